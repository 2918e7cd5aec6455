/** An OAuth endpoint error, answered as `{error, error_description}` like Google's token endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }

  toBody(): object {
    return { error: this.error, error_description: this.description };
  }
}
