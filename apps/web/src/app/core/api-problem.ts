import { HttpErrorResponse } from '@angular/common/http';
import { ErrorBody } from '@ddx/contracts';

export interface ApiProblem {
  status: number;
  /** The API's stable code (`ErrorCode`, `UploadErrorCode`), or NETWORK / UNKNOWN. */
  code: string;
  /** Safe to show a person. */
  message: string;
  details?: ErrorBody['details'];
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === 'object' && v !== null && typeof (v as ErrorBody).error === 'string' && typeof (v as ErrorBody).message === 'string';
}

/** The API answers `{statusCode, error, message}`; anything else gets a plain explanation. */
export function apiProblem(err: unknown): ApiProblem {
  if (err instanceof HttpErrorResponse) {
    if (isErrorBody(err.error)) return { status: err.status, code: err.error.error, message: err.error.message, details: err.error.details };
    if (err.status === 0) return { status: 0, code: 'NETWORK', message: 'DirectDriveX cannot be reached. Check your connection and try again.' };
    if (err.status === 404) return { status: 404, code: 'NOT_FOUND', message: 'Not found.' };
    return { status: err.status, code: 'UNKNOWN', message: `Something went wrong (HTTP ${err.status}). Please try again.` };
  }
  return { status: 0, code: 'UNKNOWN', message: 'Something went wrong. Please try again.' };
}
