import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { Controller, Delete, Get, HttpCode, Put, Req, Res, StreamableFile } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiNoContentResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { DatasetFile, Page } from '@behalf/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { Ctx } from '../kernel/request-context';
import { ANY_CREDENTIAL, Authenticated } from '../platform/http/authenticated.decorator';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { STREAMED_BODY } from '../platform/http/streamed-body';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { datasetFileSchema } from './datasets.schemas';
import { ValidParams, ValidQuery } from '../platform/http/zod-validation';
import { DatasetFilesService } from './dataset-files.service';
import { parseDatasetPath, parsePathPrefix } from './dataset-path';
import { datasetParams, listFilesQuery } from './datasets.dto';
import type { AuthenticatedContext } from './datasets.service';
import { fileDownload } from './file-download.http';

/** Segments of `/api/v1/datasets/:id/files/` before the file path. */
const PATH_OFFSET = 6;

/**
 * The file path of the request, from the raw URL: each segment percent-decoded on its own, so
 * what the router decoded (an encoded "/" or ".") cannot change which path is meant.
 */
function filePathOf(request: FastifyRequest): string {
  const pathname = request.url.split('?')[0];
  return parseDatasetPath(pathname.split('/').slice(PATH_OFFSET).join('/'));
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.raw.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

const pathParam = ApiParam({
  name: 'path',
  description: 'the file path: UTF-8 segments joined by "/", 1 to 1024 bytes, no empty, "." or ".." segment, no backslash or control character',
});

@ApiTags('datasets')
@Controller('api/v1/datasets')
// Files are the data plane: webapp code reads and writes them as its principal may.
@Authenticated({ credentials: ANY_CREDENTIAL })
// Backends write files often; none of it touches what policy decisions depend on.
@LeavesPolicyUnchanged()
export class DatasetFilesController {
  constructor(private readonly files: DatasetFilesService) {}

  @Get(':id/files')
  @ApiOperation({ summary: 'Lists the dataset’s files by path (readers), optionally under a prefix.' })
  @ApiJsonResponse(200, pageOf(datasetFileSchema), 'A page of files.')
  @ApiProblems('not-found', 'validation-failed')
  list(
    @ValidParams(datasetParams) params: z.infer<typeof datasetParams>,
    @ValidQuery(listFilesQuery) query: z.infer<typeof listFilesQuery>,
    @Ctx() ctx: AuthenticatedContext,
  ): Promise<Page<DatasetFile>> {
    return this.files.list(params.id, parsePathPrefix(query.prefix ?? ''), query.limit, query.cursor, ctx);
  }

  @Put(':id/files/*')
  @RouteConfig({ [STREAMED_BODY]: true })
  @OwnTransactions('no transaction stays open while the content streams in; the service commits metadata and audit together')
  @ApiOperation({ summary: 'Stores a file (writers): the raw body, of any media type, streamed to storage. 201 when new, 200 when replaced.' })
  @ApiConsumes('*/*')
  @ApiBody({ schema: { type: 'string', format: 'binary' }, description: 'the content; its Content-Type is stored and served back' })
  @pathParam
  @ApiJsonResponse(201, datasetFileSchema, 'Created.')
  @ApiJsonResponse(200, datasetFileSchema, 'Replaced.')
  @ApiProblems('not-found', 'validation-failed', 'payload-too-large', 'request-timeout')
  async put(
    @ValidParams(datasetParams) params: z.infer<typeof datasetParams>,
    @Req() request: FastifyRequest,
    @Ctx() ctx: AuthenticatedContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DatasetFile> {
    const upload = { content: request.body as Readable, contentType: header(request, 'content-type'), declaredLength: header(request, 'content-length') };
    try {
      const { created, file } = await this.files.put(params.id, filePathOf(request), upload, ctx);
      reply.status(created ? 201 : 200);
      return file;
    } catch (error) {
      // The rest of a refused upload is not read, so the connection cannot serve another request.
      if (!request.raw.complete) void reply.header('connection', 'close');
      throw error;
    }
  }

  @Get(':id/files/*')
  @ApiOperation({ summary: 'A file’s content (readers), with its media type and strong ETag; honours If-None-Match and a single byte Range.' })
  @pathParam
  @ApiResponse({ status: 200, description: 'The content.', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 206, description: 'The requested range (Content-Range).', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 304, description: 'Not modified: If-None-Match names the current ETag.' })
  @ApiProblems('not-found', 'validation-failed', 'range-not-satisfiable')
  async get(
    @ValidParams(datasetParams) params: z.infer<typeof datasetParams>,
    @Req() request: FastifyRequest,
    @Ctx() ctx: AuthenticatedContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile | undefined> {
    const conditions = { range: header(request, 'range'), ifRange: header(request, 'if-range'), ifNoneMatch: header(request, 'if-none-match') };
    const download = fileDownload(await this.files.get(params.id, filePathOf(request), conditions, ctx));
    reply.status(download.status).headers(download.headers);
    return download.content ? new StreamableFile(download.content) : undefined;
  }

  @Delete(':id/files/*')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes a file (writers).' })
  @pathParam
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  delete(@ValidParams(datasetParams) params: z.infer<typeof datasetParams>, @Req() request: FastifyRequest, @Ctx() ctx: AuthenticatedContext): Promise<void> {
    return this.files.delete(params.id, filePathOf(request), ctx);
  }
}
