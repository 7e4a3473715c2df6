/** The history store could not be reached or did not answer in time; retrying may succeed. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** The history store answered with an error, or with rows that do not have the expected shape. */
export class StoreQueryError extends Error {
  override readonly name = 'StoreQueryError';
}

/** A row was handed to a batcher that has already stopped. */
export class BatcherStoppedError extends Error {
  override readonly name = 'BatcherStoppedError';
  constructor() {
    super('the batcher has stopped and takes no more rows');
  }
}
