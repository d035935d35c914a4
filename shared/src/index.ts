export * from './roles.js';
export * from './api.js';
export * from './errors.js';
export * from './leads.js';
export * from './compliance.js';
export * from './imports.js';
export * from './conversations.js';
export * from './ring-pools.js';
