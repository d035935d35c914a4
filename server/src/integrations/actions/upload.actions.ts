import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Injectable } from '@nestjs/common';
import { Client as FtpClient } from 'basic-ftp';
import { AppConfig } from '../../config/app-config.js';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from '../../schedules/actions/action-handler.js';
import { ConversationsRepository } from '../../telephony/conversations/conversations.repository.js';
import { EgressGuard, EgressRefused } from '../egress/egress-guard.js';
import { IntegrationsService, type OpenIntegration } from '../integrations.service.js';
import { fileName, leadExport, renderExport, validateFileName } from '../records.js';
import { checkIntegration } from './common.js';

const DEFAULT_NAME = '{date}/lead-{leadId}-{key}';

/** The audit entry for a destination the egress guard refused: failed, and not tried again. */
function refused(where: string, e: EgressRefused): ActionResult {
  return { kind: 'failed', outcome: 'refused address', detail: `${where} refused by the egress guard: ${e.message}` };
}

function validateUpload(config: Record<string, unknown>, ctx: ValidationContext, nameKey: 'key' | 'fileName'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (config.format !== undefined && config.format !== 'json' && config.format !== 'csv') issues.push({ field: `${ctx.prefix}.format`, message: 'must be json or csv' });
  issues.push(...validateFileName(config[nameKey], `${ctx.prefix}.${nameKey}`));
  return issues;
}

async function exportFor(conversations: ConversationsRepository, ctx: ActionContext, pattern: unknown) {
  const file = renderExport(await leadExport(conversations, ctx.lead, ctx.conversationId), ctx.config.format === 'csv' ? 'csv' : 'json');
  const name = fileName(typeof pattern === 'string' ? pattern : DEFAULT_NAME, { leadId: ctx.lead.lead.id, conversationId: ctx.conversationId, now: ctx.now, idempotencyKey: ctx.idempotencyKey, extension: file.extension });
  return { file, name };
}

/**
 * S3 upload: the lead (and the conversation behind the action) as a JSON or CSV object
 * in the integration's bucket, through any S3-compatible endpoint. A retried run writes
 * the same key again (the key's `{key}` part comes from the action's idempotency key).
 */
@Injectable()
export class S3UploadAction implements ActionHandler {
  readonly type = 's3_upload';
  readonly activations = ['automatic'] as const;

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly integrations: IntegrationsService,
    private readonly config: AppConfig,
    private readonly guard: EgressGuard,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    return [...(await checkIntegration(this.integrations, config, 's3', ctx)), ...validateUpload(config, ctx, 'key')];
  }

  private objectKey(i: OpenIntegration, name: string): string {
    const prefix = typeof i.settings.prefix === 'string' ? i.settings.prefix.replace(/^\/+|\/+$/g, '') : '';
    return prefix ? `${prefix}/${name}` : name;
  }

  async describe(ctx: ActionContext): Promise<string> {
    const i = await this.integrations.open(String(ctx.config.integrationId), 's3');
    const { name } = await exportFor(this.conversations, ctx, ctx.config.key);
    return `write s3://${String(i.settings.bucket)}/${this.objectKey(i, name)}`;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const i = await this.integrations.open(String(ctx.config.integrationId), 's3');
    const { file, name } = await exportFor(this.conversations, ctx, ctx.config.key);
    const key = this.objectKey(i, name);
    const where = `s3://${String(i.settings.bucket)}/${key}`;
    const endpoint = typeof i.settings.endpoint === 'string' ? i.settings.endpoint : undefined;
    // A literal address never reaches the agents' lookup: the endpoint is checked first (a name that does not resolve is left to the client's retries).
    if (endpoint)
      try {
        await this.guard.resolveUrl(endpoint);
      } catch (e) {
        if (e instanceof EgressRefused) return refused(where, e);
      }
    const client = new S3Client({
      region: String(i.settings.region ?? 'us-east-1'),
      endpoint,
      forcePathStyle: i.settings.forcePathStyle === true,
      credentials: { accessKeyId: i.secrets.accessKeyId, secretAccessKey: i.secrets.secretAccessKey },
      maxAttempts: this.config.integrations.retries + 1,
      // Every connection the client opens resolves through the guard, bucket subdomains included.
      requestHandler: {
        requestTimeout: this.config.integrations.timeoutMs,
        connectionTimeout: this.config.integrations.timeoutMs,
        httpAgent: new HttpAgent({ lookup: this.guard.lookup }),
        httpsAgent: new HttpsAgent({ lookup: this.guard.lookup }),
      },
      // S3-compatible stores differ on the newer default checksums: send them only when an operation needs them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      const out = await client.send(new PutObjectCommand({ Bucket: String(i.settings.bucket), Key: key, Body: file.body, ContentType: file.contentType }));
      return { kind: 'completed', outcome: 'uploaded', detail: `s3://${String(i.settings.bucket)}/${key} (${Buffer.byteLength(file.body)} bytes${out.ETag ? `, etag ${out.ETag}` : ''})` };
    } catch (e) {
      if (e instanceof EgressRefused) return refused(where, e);
      const err = e as Error & { $metadata?: { httpStatusCode?: number } };
      return { kind: 'failed', outcome: 'upload failed', detail: `s3://${String(i.settings.bucket)}/${key}: ${err.name}${err.$metadata?.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : ''}: ${err.message}` };
    } finally {
      client.destroy();
    }
  }
}

/**
 * FTP upload: the same record as a file on an FTP server, in the clear, with explicit
 * TLS (AUTH TLS) or implicit TLS, into the integration's directory (made if missing).
 */
@Injectable()
export class FtpUploadAction implements ActionHandler {
  readonly type = 'ftp_upload';
  readonly activations = ['automatic'] as const;

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly integrations: IntegrationsService,
    private readonly config: AppConfig,
    private readonly guard: EgressGuard,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    return [...(await checkIntegration(this.integrations, config, 'ftp', ctx)), ...validateUpload(config, ctx, 'fileName')];
  }

  async describe(ctx: ActionContext): Promise<string> {
    const i = await this.integrations.open(String(ctx.config.integrationId), 'ftp');
    const { name } = await exportFor(this.conversations, ctx, ctx.config.fileName);
    return `upload ${name} to ${i.settings.secure === 'none' ? 'ftp' : 'ftps'}://${String(i.settings.host)}/${String(i.settings.directory ?? '')}`;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const i = await this.integrations.open(String(ctx.config.integrationId), 'ftp');
    const { file, name } = await exportFor(this.conversations, ctx, ctx.config.fileName);
    const secure = i.settings.secure === 'implicit' ? 'implicit' : i.settings.secure === 'explicit';
    const where = `${secure ? 'ftps' : 'ftp'}://${String(i.settings.host)}`;
    let lastError = '';
    for (let attempt = 0; attempt <= this.config.integrations.retries; attempt++) {
      const client = new FtpClient(this.config.integrations.timeoutMs);
      try {
        const host = String(i.settings.host);
        // Connect to the address the guard checked (data connections go to the same one: basic-ftp ignores other PASV hosts); TLS still checks the name.
        const [{ address }] = await this.guard.resolveHost(host);
        await client.access({
          host: address,
          port: typeof i.settings.port === 'number' ? i.settings.port : 21,
          user: String(i.settings.user),
          password: i.secrets.password,
          secure,
          secureOptions: { host: address, ...(isIP(host) ? {} : { servername: host }), ...(typeof i.settings.caCertificate === 'string' ? { ca: i.settings.caCertificate } : {}) },
        });
        const parts = name.split('/');
        const base = parts.pop() as string;
        const dir = [String(i.settings.directory ?? '').replace(/^\/+|\/+$/g, ''), ...parts].filter(Boolean).join('/');
        if (dir) await client.ensureDir(dir);
        await client.uploadFrom(Readable.from([Buffer.from(file.body)]), base);
        return { kind: 'completed', outcome: 'uploaded', detail: `${where}/${dir ? `${dir}/` : ''}${base} (${Buffer.byteLength(file.body)} bytes)` };
      } catch (e) {
        if (e instanceof EgressRefused) return refused(where, e);
        const err = e as Error & { code?: number };
        lastError = err.message;
        // A login or permission refusal will not change on another try.
        if (typeof err.code === 'number' && err.code >= 500 && err.code < 600) return { kind: 'failed', outcome: 'refused', detail: `${where}: ${err.message}` };
      } finally {
        client.close();
      }
    }
    return { kind: 'failed', outcome: 'upload failed', detail: `${where}: ${lastError} (after ${this.config.integrations.retries + 1} tries)` };
  }
}
