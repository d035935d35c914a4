import { LoginFailureEntity } from '../auth/login-attempt.entity.js';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Every entity, in one list shared by the app, the migration CLI and the drift check. */
export const ENTITIES = [UserEntity, RefreshTokenEntity, LoginFailureEntity];
