/** A bad control-API or config payload; answered as `{error}` with the given status. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
