import { AppConfig } from '@ddx/server-config';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import mongoose from 'mongoose';

// A query issued while disconnected must fail at once (and surface as 503),
// not hang in mongoose's buffer for ten seconds.
mongoose.set('bufferCommands', false);

@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        uri: config.MONGO_URL,
        bufferCommands: false,
        autoIndex: true,
        serverSelectionTimeoutMS: 5000,
        // FerretDB (local/test) does not implement retryable writes.
        retryWrites: false,
      }),
    }),
  ],
  exports: [MongooseModule],
})
export class DatabaseModule {}
