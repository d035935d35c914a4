import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../web/access.decorators.js';
import { OptOutsService } from '../compliance/opt-outs.service.js';
import { Accepts } from '../web/media-types.js';
import { UnsubscribeLinks } from './unsubscribe-links.js';

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><meta name="viewport" content="width=device-width"></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto"><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * The unsubscribe link in every schedule email. GET shows a confirmation button (mail
 * scanners follow links, so a GET alone never opts out); POST opts the address out of
 * email, which is also what one-click List-Unsubscribe clients send.
 */
@ApiExcludeController()
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly links: UnsubscribeLinks,
    private readonly optOuts: OptOutsService,
  ) {}

  @Public()
  @Get(':token')
  confirm(@Param('token') token: string, @Res() res: Response): void {
    const claim = this.links.verify(token);
    if (!claim) {
      res.status(404).type('html').send(page('Link not recognised', 'This unsubscribe link is not valid.'));
      return;
    }
    res.type('html').send(page('Unsubscribe', `Stop emails to <b>${claim.email.replace(/[<>&"]/g, '')}</b>?</p><form method="post"><button type="submit">Unsubscribe</button></form><p>`));
  }

  @Public()
  @Post(':token')
  @Accepts('application/x-www-form-urlencoded', 'multipart/form-data') // what the page's form and one-click clients (RFC 8058) send
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const claim = this.links.verify(token);
    if (!claim) {
      res.status(404).type('html').send(page('Link not recognised', 'This unsubscribe link is not valid.'));
      return;
    }
    await this.optOuts.write({ address: claim.email, action: 'opt-out', channel: 'email', source: 'unsubscribe-link', kind: 'revocation', origin: 'email', words: 'unsubscribe link', actorId: null, note: claim.scheduleId ? `from schedule ${claim.scheduleId}` : null });
    res.type('html').send(page('Unsubscribed', 'You will not receive these emails any more.'));
  }
}
