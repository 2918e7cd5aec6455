import { Connection } from 'mongoose';

/** True when the server answers a ping within `timeoutMs`. */
export async function pingDatabase(connection: Connection, timeoutMs = 1500): Promise<boolean> {
  const db = connection.db;
  if (connection.readyState !== 1 || !db) return false;
  try {
    await withTimeout(db.admin().command({ ping: 1 }), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
