export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  location?: string;
  locationType?: 'parameter' | 'header';
}

/**
 * An error answered in Drive's JSON shape `{error:{code,message,errors:[…]}}`.
 * Handlers throw it; the router turns it into the response.
 */
export class GoogleApiError extends Error {
  /** Google's JSON (almost always), or what its front end sends for some 5xx: HTML or nothing. */
  bodyShape: 'json' | 'html' | 'empty' = 'json';

  constructor(
    readonly status: number,
    message: string,
    readonly errors: GoogleErrorItem[],
    readonly rpcStatus?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): object {
    return {
      error: {
        code: this.status,
        message: this.message,
        errors: this.errors,
        ...(this.rpcStatus ? { status: this.rpcStatus } : {}),
      },
    };
  }
}

function single(
  status: number,
  domain: string,
  reason: string,
  message: string,
  extra: Partial<GoogleErrorItem> = {},
  rpcStatus?: string,
): GoogleApiError {
  return new GoogleApiError(status, message, [{ domain, reason, message, ...extra }], rpcStatus);
}

const AUTH_MESSAGE =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

export const googleErrors = {
  invalidCredentials(): GoogleApiError {
    const err = new GoogleApiError(
      401,
      AUTH_MESSAGE,
      [
        {
          message: 'Invalid Credentials',
          domain: 'global',
          reason: 'authError',
          location: 'Authorization',
          locationType: 'header',
        },
      ],
      'UNAUTHENTICATED',
      { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    );
    return err;
  },
  missingCredentials(): GoogleApiError {
    return new GoogleApiError(
      401,
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      [
        {
          message: 'Login Required.',
          domain: 'global',
          reason: 'required',
          location: 'Authorization',
          locationType: 'header',
        },
      ],
      'UNAUTHENTICATED',
      { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' },
    );
  },
  fileNotFound(fileId: string): GoogleApiError {
    return single(404, 'global', 'notFound', `File not found: ${fileId}.`, {
      location: 'fileId',
      locationType: 'parameter',
    });
  },
  sessionNotFound(): GoogleApiError {
    return single(404, 'global', 'notFound', 'Upload session not found or expired. Start a new upload.');
  },
  sessionGone(): GoogleApiError {
    return single(410, 'global', 'gone', 'Upload session expired. Start a new upload.');
  },
  notFound(message = 'Not Found'): GoogleApiError {
    return single(404, 'global', 'notFound', message);
  },
  required(parameter: string, message: string): GoogleApiError {
    return single(400, 'global', 'required', message, {
      location: parameter,
      locationType: 'parameter',
    });
  },
  badRequest(message: string, location?: string): GoogleApiError {
    return single(
      400,
      'global',
      'badRequest',
      message,
      location ? { location, locationType: 'parameter' } : {},
    );
  },
  invalidParameter(parameter: string, message: string): GoogleApiError {
    return single(400, 'global', 'invalid', message, {
      location: parameter,
      locationType: 'parameter',
    });
  },
  wrongUrlForUpload(): GoogleApiError {
    return single(400, 'global', 'wrongUrlForUpload', 'Uploads must be sent to the upload URL. Re-send this request to https://www.googleapis.com/upload/drive/v3/files');
  },
  storageQuotaExceeded(): GoogleApiError {
    return single(403, 'usageLimits', 'storageQuotaExceeded', "The user's Drive storage quota has been exceeded.");
  },
  userRateLimitExceeded(): GoogleApiError {
    return single(403, 'usageLimits', 'userRateLimitExceeded', 'User Rate Limit Exceeded');
  },
  /** The 750 GB/day upload cap: same reason as the per-user limit, lower-case message (rclone keys on it). */
  uploadCapExceeded(): GoogleApiError {
    return single(403, 'usageLimits', 'userRateLimitExceeded', 'User rate limit exceeded.');
  },
  rateLimitExceeded(status: 403 | 429): GoogleApiError {
    return single(status, 'usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded');
  },
  dailyLimitExceeded(): GoogleApiError {
    return single(403, 'usageLimits', 'dailyLimitExceeded', 'Daily Limit Exceeded');
  },
  serverError(status: number): GoogleApiError {
    if (status === 503) return single(503, 'global', 'backendError', 'Backend Error');
    return single(status, 'global', 'internalError', 'Internal Error');
  },
  fileNotDownloadable(): GoogleApiError {
    return single(403, 'global', 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', {
      location: 'alt',
      locationType: 'parameter',
    });
  },
  forbidden(reason: string, message: string): GoogleApiError {
    return single(403, 'global', reason, message);
  },
  rangeNotSatisfiable(): GoogleApiError {
    return single(416, 'global', 'requestedRangeNotSatisfiable', 'Request range not satisfiable');
  },
  tooManyConcurrentChunks(): GoogleApiError {
    return serverBusy();
  },
};

function serverBusy(): GoogleApiError {
  return single(503, 'global', 'backendError', 'Backend Error');
}
