import type { FastifyInstance } from 'fastify';
import { boardAlerts, boardRows } from './pure/board-view.js';
import { boardPage } from './pure/views.js';
import { pageContext } from './routes-pages.js';
import type { ServeContext } from './server.js';
import { openSse } from './sse.js';

/**
 * The board: the page, `GET /api/board`, and `GET /api/board/events`, server-sent events of the
 * board whenever it changes (one shared status read for every listener: board-watch.ts). With
 * `?view=html` each event carries the rows as the page renders them for the viewer.
 */
export function boardRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get('/', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(boardPage(pageContext(ctx, request), await ctx.board.board())),
  );

  app.get('/api/board', () => ctx.board.board());

  app.get('/api/board/events', (request, reply) => {
    const html = (request.query as { view?: string }).view === 'html';
    const page = pageContext(ctx, request);
    const { send } = openSse(reply);
    const stop = ctx.board.subscribe((board) =>
      html ? send('board-html', { rows: boardRows(page, board), alerts: boardAlerts(board) }) : send('board', board),
    );
    request.raw.on('close', stop);
  });
}
