/** Integrations: outside services the integration actions reach, and their settings. */

export const INTEGRATION_KINDS = ['webhook', 'data_append', 's3', 'ftp', 'keap', 'zoho'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** The action types that reach outside services (registered beside the schedules' own). */
export const INTEGRATION_ACTION_TYPES = ['webhook', 'data_append', 's3_upload', 'ftp_upload', 'keap_contact', 'zoho_contact'] as const;

export interface IntegrationFieldSpec {
  key: string;
  label: string;
  /** `url`: an http(s) URL and `host`: a host name or address, both checked by the server's egress guard. */
  type: 'url' | 'host' | 'text' | 'number' | 'boolean' | 'choice';
  required?: boolean;
  choices?: readonly string[];
  default?: string | number | boolean;
}

export interface IntegrationKindSpec {
  label: string;
  settings: IntegrationFieldSpec[];
  /** Stored sealed; the API says only whether each is set. */
  secrets: IntegrationFieldSpec[];
}

const OAUTH_SECRETS: IntegrationFieldSpec[] = [
  { key: 'accessToken', label: 'Access token', type: 'text', required: true },
  { key: 'refreshToken', label: 'Refresh token', type: 'text' },
  { key: 'clientId', label: 'OAuth client id', type: 'text' },
  { key: 'clientSecret', label: 'OAuth client secret', type: 'text' },
];

export const INTEGRATION_SPECS: Record<IntegrationKind, IntegrationKindSpec> = {
  webhook: {
    label: 'Webhook signing',
    settings: [],
    secrets: [
      { key: 'signingSecret', label: 'Signing secret (HMAC-SHA256)', type: 'text', required: true },
      { key: 'authorization', label: 'Authorization header value', type: 'text' },
    ],
  },
  data_append: {
    label: 'Data append',
    settings: [
      { key: 'url', label: 'Endpoint URL', type: 'url', required: true },
      { key: 'method', label: 'Method', type: 'choice', choices: ['GET', 'POST'], default: 'POST' },
    ],
    secrets: [{ key: 'apiKey', label: 'API key (sent as a bearer token)', type: 'text' }],
  },
  s3: {
    label: 'S3 bucket',
    settings: [
      { key: 'endpoint', label: 'Endpoint URL (blank: AWS)', type: 'url' },
      { key: 'region', label: 'Region', type: 'text', required: true, default: 'us-east-1' },
      { key: 'bucket', label: 'Bucket', type: 'text', required: true },
      { key: 'prefix', label: 'Key prefix', type: 'text' },
      { key: 'forcePathStyle', label: 'Path-style addressing', type: 'boolean', default: false },
    ],
    secrets: [
      { key: 'accessKeyId', label: 'Access key id', type: 'text', required: true },
      { key: 'secretAccessKey', label: 'Secret access key', type: 'text', required: true },
    ],
  },
  ftp: {
    label: 'FTP / FTPS server',
    settings: [
      { key: 'host', label: 'Host', type: 'host', required: true },
      { key: 'port', label: 'Port', type: 'number', default: 21 },
      { key: 'secure', label: 'TLS', type: 'choice', choices: ['none', 'explicit', 'implicit'], default: 'none' },
      { key: 'user', label: 'User', type: 'text', required: true },
      { key: 'directory', label: 'Directory', type: 'text' },
      { key: 'caCertificate', label: 'CA certificate (PEM) for a private TLS certificate', type: 'text' },
    ],
    secrets: [{ key: 'password', label: 'Password', type: 'text', required: true }],
  },
  keap: {
    label: 'Keap (Infusionsoft) CRM',
    settings: [
      { key: 'baseUrl', label: 'REST base URL', type: 'url', default: 'https://api.infusionsoft.com/crm/rest/v1' },
      { key: 'tokenUrl', label: 'OAuth token URL', type: 'url', default: 'https://api.infusionsoft.com/token' },
    ],
    secrets: OAUTH_SECRETS,
  },
  zoho: {
    label: 'Zoho CRM',
    settings: [
      { key: 'baseUrl', label: 'REST base URL', type: 'url', default: 'https://www.zohoapis.com/crm/v2' },
      { key: 'tokenUrl', label: 'OAuth token URL', type: 'url', default: 'https://accounts.zoho.com/oauth/v2/token' },
      { key: 'module', label: 'Module', type: 'choice', choices: ['Contacts', 'Leads'], default: 'Contacts' },
    ],
    secrets: OAUTH_SECRETS,
  },
};

export interface IntegrationView {
  id: string;
  kind: IntegrationKind;
  name: string;
  settings: Record<string, unknown>;
  /** Which secrets are set; never their values. */
  secrets: Record<string, boolean>;
  createdAt: string;
  updatedAt: string;
}
