import {
  Body,
  CanActivate,
  ClassSerializerInterceptor,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Post,
  Query,
  Res,
  SetMetadata,
  UnauthorizedException,
  ValidationPipe,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { IsString, MinLength } from 'class-validator';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { startOAuthApp } from './fixtures/oauth/oauth-app.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { AllExceptionsFilter } from './fixtures/production-app/all-exceptions.filter.js';
import { INITIALIZE, post } from './fixtures/auth/http.js';

const PUBLIC = 'app:public';
const Public = () => SetMetadata(PUBLIC, true);

/** The app's own session: a cookie it sets when a user logs in on its own page. */
function appUserOf(request: IncomingMessage): string | undefined {
  return /(?:^|;\s*)app_user=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
}

/** The app's global guard: its routes need its session, but @Public ones and API calls that carry a bearer token. */
@Injectable()
class AppSessionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    if (request.headers.authorization) return true; // the MCP servers check their tokens themselves
    if (!appUserOf(request)) throw new UnauthorizedException('log in to the app');
    return true;
  }
}

class AppLoginForm {
  @IsString()
  @MinLength(1)
  username!: string;

  @IsString()
  password!: string;

  @IsString()
  returnTo!: string;
}

/** The app's own login page (its passport strategy or session would sit here). */
@Controller('app')
class AppLoginController {
  @Public()
  @Get('login')
  page(@Query('returnTo') returnTo: string, @Res() response: { type(t: string): { send(body: string): void } }) {
    response
      .type('html')
      .send(
        `<title>App login</title><form method="post" action="/app/login"><input type="hidden" name="returnTo" value="${returnTo}"><input type="text" name="username"><input type="password" name="password"></form>`,
      );
  }

  @Public()
  @Post('login')
  login(@Body() form: AppLoginForm, @Res() response: { status(code: number): { json(body: unknown): void }; cookie(n: string, v: string, o: object): void; redirect(code: number, url: string): void }) {
    if (form.password !== 'app-password' || !form.returnTo.startsWith('/oauth/interaction/')) return response.status(401).json({ error: 'no' });
    response.cookie('app_user', form.username, { httpOnly: true, sameSite: 'lax', path: '/' });
    response.redirect(303, form.returnTo);
  }

  @Get('private')
  private() {
    return { secret: true };
  }
}

/**
 * Issue 15, point 2: who the user is stays the app's decision. The app's own session names the user
 * (`login.fromRequest`), and a browser it does not know yet is sent to its login page (`login.loginUrl`) and back;
 * all in an app with a global guard, a catch-all filter, a global ValidationPipe and ClassSerializerInterceptor,
 * which leave the authorization server's routes alone.
 */
describe('@nestmcp/oauth: login through the app\'s own authentication, in a real app', () => {
  let app: INestApplication;
  let base: string;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, base, url } = await startOAuthApp(
      { login: { fromRequest: (request) => (appUserOf(request) ? { subject: `app:${appUserOf(request)}` } : null), loginUrl: '/app/login' } },
      undefined,
      {
        controllers: [AppLoginController],
        providers: [
          { provide: APP_GUARD, useClass: AppSessionGuard },
          { provide: APP_FILTER, useClass: AllExceptionsFilter },
          { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }) },
          { provide: APP_INTERCEPTOR, useClass: ClassSerializerInterceptor },
        ],
      },
    ));
  });
  afterAll(() => app.close());

  it('keeps the app\'s own routes behind its guard and filter', async () => {
    const response = await fetch(url('/app/private'));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ app: 'orders', error: 'log in to the app' });
  });

  it('sends the browser to the app\'s login page, takes the user from its session, and issues a token for them', async () => {
    const provider = new TestOAuthClientProvider({ username: 'dave', password: 'app-password' });
    expect(await auth(provider, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: url(), authorizationCode: await provider.code(base) })).toBe('AUTHORIZED');
    expect((await provider.login!).pages).toEqual(['login', 'consent']); // the app's page, then ours
    expect((await provider.login!).html[0]).toContain('<title>App login</title>');
    const claims = JSON.parse(Buffer.from(provider.saved!.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'app:dave', aud: url().href });
    expect((await post(url(), INITIALIZE, { authorization: `Bearer ${provider.saved!.access_token}` })).status).toBe(200);

    // Logged in to the app already: the next authorization goes straight through (consent remembered too).
    const again = new TestOAuthClientProvider({ username: 'dave', password: 'app-password' }, provider.redirectUrl, {}, provider.information);
    again.jar = provider.jar; // the same browser
    expect(await auth(again, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    await again.code(base);
    expect((await again.login!).pages).toEqual([]);
  });
});
