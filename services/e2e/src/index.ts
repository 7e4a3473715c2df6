// Helpers shared by the end-to-end suites.
export * from './otlp-receiver';
export * from './stack';
export * from './wait';
export * from './admin';
export * from './rest';
