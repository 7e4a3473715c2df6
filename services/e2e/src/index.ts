// Helpers shared by the end-to-end suites.
export * from './wait';
export * from './otlp-receiver';
