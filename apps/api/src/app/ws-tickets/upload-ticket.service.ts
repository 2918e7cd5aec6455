import { ErrorCode, UploadErrorCode, WsTicketResponse } from '@ddx/contracts';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { Injectable } from '@nestjs/common';

import { AppException } from '../common/app-exception';
import { uploadTokenMatches } from '../upload/upload-token';
import { UserRepository } from '../users/user.repository';
import { WsTicketStore } from './ws-ticket.store';

export interface SocketRefusal {
  code: string;
  message: string;
}

const ACTIVE = new Set(['pending', 'uploading']);

/**
 * Tickets for `WS /ws_api/upload/:file_id`: the upload token is shown once,
 * in a header, and the socket URL carries a ticket bound to that one file.
 * Each (re)connect asks for a new ticket.
 */
@Injectable()
export class UploadTicketService {
  constructor(
    private readonly files: FileRepository,
    private readonly users: UserRepository,
    private readonly tickets: WsTicketStore,
  ) {}

  async issue(fileId: string, uploadToken: string | undefined): Promise<WsTicketResponse> {
    const file = await this.files.findById(fileId);
    if (!file || !uploadTokenMatches(uploadToken, file.uploadTokenHash)) {
      throw new AppException(401, UploadErrorCode.UPLOAD_TOKEN_INVALID, 'This upload link is not valid.');
    }
    if (!ACTIVE.has(file.status)) throw new AppException(409, UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.');
    const refusal = await this.ownerRefusal(file);
    if (refusal) throw new AppException(403, refusal.code, refusal.message);
    const { ticket, expiresIn } = await this.tickets.issue({ kind: 'upload', fileId: file._id });
    return { ticket, expires_in: expiresIn };
  }

  /** Why the upload's owner may not upload now (suspended, banned, deleted); null for anonymous uploads. */
  async ownerRefusal(file: Pick<FileDoc, 'ownerId'>): Promise<SocketRefusal | null> {
    if (!file.ownerId) return null;
    const owner = await this.users.findById(file.ownerId);
    if (!owner || owner.status === 'banned') return { code: ErrorCode.ACCOUNT_BANNED, message: 'This account has been banned.' };
    if (owner.status === 'suspended') return { code: ErrorCode.ACCOUNT_SUSPENDED, message: 'This account is suspended. Contact support if you think this is a mistake.' };
    return null;
  }
}
