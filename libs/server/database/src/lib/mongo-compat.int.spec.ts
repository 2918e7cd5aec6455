import { isolatedNames } from '@ddx/local-services/testing';
import mongoose, { Connection, Schema } from 'mongoose';

import { pingDatabase } from './ping-database';

/** Proves the Mongo-compatible server behind tests enforces what the product relies on. */
describe('MongoDB wire server (FerretDB or MONGO_URL)', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(isolatedNames('compat').mongoUrl, { bufferCommands: false, retryWrites: false })
      .asPromise();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('rejects a duplicate on a unique index', async () => {
    const Person = connection.model('Person', new Schema({ email: { type: String, required: true, unique: true } }));
    await Person.syncIndexes();
    await Person.create({ email: 'a@example.com' });
    await expect(Person.create({ email: 'a@example.com' })).rejects.toMatchObject({ code: 11000 });
    expect(await Person.countDocuments()).toBe(1);
  });

  // FerretDB 1.x has no $expr comparisons, so limits are kept as a stored
  // "remaining" field guarded by a plain filter — one atomic conditional update.
  it('applies a conditional $inc atomically under concurrency', async () => {
    const Counter = connection.model('Counter', new Schema({ _id: String, used: Number, remaining: Number }));
    await Counter.create({ _id: 'c', used: 0, remaining: 10 });
    const attempts = await Promise.all(
      Array.from({ length: 30 }, () =>
        Counter.updateOne({ _id: 'c', remaining: { $gte: 1 } }, { $inc: { used: 1, remaining: -1 } }),
      ),
    );
    expect(attempts.filter((r) => r.modifiedCount === 1)).toHaveLength(10);
    expect(await Counter.findById('c').lean()).toMatchObject({ used: 10, remaining: 0 });
  });

  it('pings', async () => {
    expect(await pingDatabase(connection)).toBe(true);
  });
});
