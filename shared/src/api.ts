import type { Permission, Role } from './roles.js';

/** A user as the API shows it (never with secrets). */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** What the user may do (their own list, else the role's defaults), with what each implies. */
  permissions: Permission[];
  /** True when an admin gave the user their own list instead of the role's defaults. */
  customPermissions: boolean;
  active: boolean;
  createdAt: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface TokenPair {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  /** ISO time when the refresh token expires. */
  refreshExpiresAt: string;
}

export interface LoginResponse extends TokenPair {
  user: UserView;
}

export interface RefreshRequest {
  refreshToken: string;
}

/** One field that failed validation. */
export interface FieldError {
  field: string;
  message: string;
}

/** Every error the API returns has this shape; it never carries a stack trace. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  fields?: FieldError[];
  /** Structured detail for some codes (e.g. every reason a contact was refused). */
  details?: unknown;
  requestId?: string;
}

/** Claims inside an access token. */
export interface AccessClaims {
  sub: string;
  role: Role;
  name: string;
  email: string;
  /** The sign-in session (refresh-token family) the token was issued to. */
  sid?: string;
}
