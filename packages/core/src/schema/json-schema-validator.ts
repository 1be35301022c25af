import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

/**
 * The one JSON Schema validator of the process: shared by every session's SDK `Server` (elicitation results)
 * and by tools whose input is a plain JSON Schema. Creating an Ajv per server or per stateless request is
 * a measurable share of a request's cost, so it is made once.
 */
export const sharedJsonSchemaValidator = new AjvJsonSchemaValidator();
