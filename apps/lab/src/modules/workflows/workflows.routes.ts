import { decodeCursor, errorResponses, type RouteScope, toPage } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { approveVersion } from './workflow-approval.service.ts';
import { WorkflowDefinitionSchema } from './workflow-definition.schema.ts';
import {
  Approval,
  DraftEdit,
  LabQuery,
  NewVersion,
  NewWorkflow,
  Retirement,
  Transition,
  VersionParams,
  WorkflowDetail,
  WorkflowPage,
  WorkflowParams,
  WorkflowQuery,
  WorkflowVersion,
} from './workflows.schema.ts';
import {
  addVersion,
  createWorkflow,
  editDraft,
  findWorkflows,
  getVersion,
  getWorkflow,
  retireVersion,
  submitVersion,
} from './workflows.service.ts';

const base = { tags: ['workflows'], security: [{ bearerAuth: [] }] };
// The published JSON Schema, as the plain object a response carries.
const publishedSchema: Record<string, unknown> = { ...WorkflowDefinitionSchema };
const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 429);

/** `/api/workflows`: versioned definitions, approved by electronic signature before they run. */
export async function workflowRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/workflows/schema',
    {
      config: { access: 'workflows:read' },
      schema: {
        operationId: 'getWorkflowSchema',
        ...base,
        summary: 'The JSON Schema (2020-12) of a workflow definition',
        response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errorResponses(401, 403, 429) },
      },
    },
    async () => publishedSchema,
  );

  app.post(
    '/api/workflows',
    {
      config: { access: 'workflows:create' },
      schema: {
        operationId: 'createWorkflow',
        ...base,
        summary: 'Create a workflow from a definition (JSON or YAML): version 1, as a draft',
        description:
          'A definition that fails validation is refused with 400 invalid_definition, every problem in details with its JSON path.',
        body: NewWorkflow,
        response: { 201: WorkflowVersion, ...writeErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createWorkflow(ctx, request.principal, request.body, actorOf(request))),
  );

  app.get(
    '/api/workflows',
    {
      config: { access: 'workflows:read' },
      schema: {
        operationId: 'listWorkflows',
        ...base,
        summary: 'Workflows of my labs, newest first, with their latest and approved versions',
        querystring: WorkflowQuery,
        response: { 200: WorkflowPage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const rows = await findWorkflows(
        ctx,
        request.principal,
        filter,
        cursor ? decodeCursor(cursor) : undefined,
        limit + 1,
      );
      return toPage(rows, limit, (row) => row.created_at);
    },
  );

  app.get(
    '/api/workflows/:name',
    {
      config: { access: 'workflows:read' },
      schema: {
        operationId: 'getWorkflow',
        ...base,
        summary: 'A workflow with its versions',
        params: WorkflowParams,
        querystring: LabQuery,
        response: { 200: WorkflowDetail, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => getWorkflow(ctx, request.principal, request.params.name, request.query.lab_id),
  );

  app.post(
    '/api/workflows/:name/versions',
    {
      config: { access: 'workflows:create' },
      schema: {
        operationId: 'createWorkflowVersion',
        ...base,
        summary: 'Add the next version of a workflow, as a draft',
        params: WorkflowParams,
        body: NewVersion,
        response: { 201: WorkflowVersion, ...writeErrors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await addVersion(ctx, request.principal, request.params.name, request.body, actorOf(request))),
  );

  app.get(
    '/api/workflows/:name/versions/:version',
    {
      config: { access: 'workflows:read' },
      schema: {
        operationId: 'getWorkflowVersion',
        ...base,
        summary: 'One version with its definition',
        params: VersionParams,
        querystring: LabQuery,
        response: { 200: WorkflowVersion, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) =>
      getVersion(ctx, request.principal, { ...target(request.params), labId: request.query.lab_id }),
  );

  app.put(
    '/api/workflows/:name/versions/:version',
    {
      config: { access: 'workflows:update' },
      schema: {
        operationId: 'updateWorkflowVersion',
        ...base,
        summary: "Replace a draft's definition (with a reason); only drafts change",
        params: VersionParams,
        querystring: LabQuery,
        body: DraftEdit,
        response: { 200: WorkflowVersion, ...writeErrors },
      },
    },
    async (request) =>
      editDraft(
        ctx,
        request.principal,
        { ...target(request.params), labId: request.query.lab_id },
        request.body,
        actorOf(request),
      ),
  );

  app.post(
    '/api/workflows/:name/versions/:version/submit',
    {
      config: { access: 'workflows:update' },
      schema: {
        operationId: 'submitWorkflowVersion',
        ...base,
        summary: 'Submit a draft for approval: its definition is fixed from here on',
        params: VersionParams,
        querystring: LabQuery,
        body: Transition,
        response: { 200: WorkflowVersion, ...writeErrors },
      },
    },
    async (request) =>
      submitVersion(
        ctx,
        request.principal,
        { ...target(request.params), labId: request.query.lab_id },
        request.body.reason ?? null,
        actorOf(request),
      ),
  );

  app.post(
    '/api/workflows/:name/versions/:version/approve',
    {
      config: { access: 'workflows:approve' },
      schema: {
        operationId: 'approveWorkflowVersion',
        ...base,
        summary:
          'Approve a submitted version by electronic signature (not its author): it is locked and may run',
        description:
          'Re-authentication with password, and a TOTP code when enrolled. 409 self_approval for the author.',
        params: VersionParams,
        querystring: LabQuery,
        body: Approval,
        response: { 200: WorkflowVersion, ...writeErrors },
      },
    },
    async (request) =>
      approveVersion(
        ctx,
        request.principal,
        target(request.params),
        { ...request.body, lab_id: request.query.lab_id },
        actorOf(request),
      ),
  );

  app.post(
    '/api/workflows/:name/versions/:version/retire',
    {
      config: { access: 'workflows:approve' },
      schema: {
        operationId: 'retireWorkflowVersion',
        ...base,
        summary: 'Retire an approved version: it stays on record, locked, and no longer runs',
        params: VersionParams,
        querystring: LabQuery,
        body: Retirement,
        response: { 200: WorkflowVersion, ...writeErrors },
      },
    },
    async (request) =>
      retireVersion(
        ctx,
        request.principal,
        { ...target(request.params), labId: request.query.lab_id },
        request.body.reason,
        actorOf(request),
      ),
  );
}

const target = (params: { name: string; version: number }) => ({
  name: params.name,
  version: params.version,
});
