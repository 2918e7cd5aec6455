import { Env } from './env.schema';

/**
 * Injection token and type of the validated configuration. A class (rather
 * than a string token) lets services ask for it by type in constructors.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class AppConfig {}
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-unsafe-declaration-merging
export interface AppConfig extends Env {}
