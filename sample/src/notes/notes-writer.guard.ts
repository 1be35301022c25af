import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';

/** The key that lets a caller create notes over REST (and through the rest_create_note tool). */
export const NOTES_WRITE_KEY = process.env.NOTES_WRITE_KEY ?? 'sample-write-key';

/**
 * Lets `POST /api/notes` through only with `Authorization: Bearer <NOTES_WRITE_KEY>`. It guards the REST route, so
 * it guards the rest_create_note tool too: the tool's call is an HTTP request into this route, carrying the MCP
 * caller's Authorization header (the open server forwards it: `routes.forwardHeaders`).
 */
@Injectable()
export class NotesWriterGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (request.headers.authorization !== `Bearer ${NOTES_WRITE_KEY}`) {
      throw new UnauthorizedException('Creating notes needs "Authorization: Bearer <NOTES_WRITE_KEY>".');
    }
    return true;
  }
}
