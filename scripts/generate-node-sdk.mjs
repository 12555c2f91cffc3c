#!/usr/bin/env node
// Writes the node-sdk surface's generated files from Stream's OpenAPI spec:
//   node-sdk/operations.js   the operation table and the response decoders (JS)
//   node-sdk/models.d.ts     the request, response and call.* event types
//   src/spec.rs              the same operation table for the Rust transport, and
//                            the enumerations the package checks (languages, …)
//   emulator/skeletons.js    the least body of each of those schemas that
//                            the spec accepts, for the emulator's answers
//   __test__/fixtures/openapi-schemas.json   the schemas those types come from,
//                            shape only (types, formats, required), for tests
// The spec is Stream's (under its own license) and is read, never copied:
// from STREAM_OPENAPI_SPEC, else ../shared/reference/openapi/serverside-api.json
// next to the checkout (see docs/node-sdk.md). `--check` writes nothing and
// exits 1 when a committed file differs from what it would write.
//
// What the spec cannot say is written by hand elsewhere: which operations
// node-sdk's video, user and token surface has (SURFACE below), the retry
// class of each (src/operation.rs) and the method names of a call
// (node-sdk/index.js).

import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** The operations the surface sends, by the spec's operationId. */
export const SURFACE = [
  'GetOrCreateCall',
  'GetCall',
  'UpdateCall',
  'EndCall',
  'DeleteCall',
  'UpdateCallMembers',
  'QueryCallMembers',
  'StartRecording',
  'StopRecording',
  'ListRecordings',
  'DeleteRecording',
  'StartTranscription',
  'StopTranscription',
  'ListTranscriptions',
  'DeleteTranscription',
  'StartClosedCaptions',
  'StopClosedCaptions',
  'SendCallEvent',
  'SendClosedCaption',
  'KickUser',
  'MuteUsers',
  'BlockUser',
  'UnblockUser',
  'UpdateUserPermissions',
  'GoLive',
  'StopLive',
  'QueryCallParticipantSessions',
  'GetCallReport',
  'QueryCalls',
  'UpdateUsers',
  'QueryUsers',
  'UpdateUsersPartial',
  'DeleteUsers',
]

/**
 * Where the spec is: STREAM_OPENAPI_SPEC, else `shared/reference/openapi/`
 * beside the checkout (`../shared`) or beside a directory above it.
 */
export function specPath() {
  if (process.env.STREAM_OPENAPI_SPEC) return process.env.STREAM_OPENAPI_SPEC
  const at = (dir) => join(dir, 'shared', 'reference', 'openapi', 'serverside-api.json')
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    if (existsSync(at(dir))) return at(dir)
    if (dirname(dir) === dir) return at(dirname(root))
  }
}

const refName = (ref) => ref.slice(ref.lastIndexOf('/') + 1)
const camel = (id) => id[0].toLowerCase() + id.slice(1)
const jsonSchema = (content) => content?.['application/json']?.schema

/** Every generated file's text, from the spec's text. */
export function generate(specText) {
  const spec = JSON.parse(specText)
  const schemas = spec.components.schemas
  const sha256 = createHash('sha256').update(specText).digest('hex')
  const byId = new Map()
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) byId.set(op.operationId, { path, method: method.toUpperCase(), op })
  }

  const operations = SURFACE.map((id) => {
    const found = byId.get(id)
    if (!found) throw new Error(`the spec has no operation ${id}`)
    const { path, method, op } = found
    const params = op.parameters ?? []
    const requestRef = jsonSchema(op.requestBody?.content)?.$ref
    const [status, answer] = Object.entries(op.responses).find(([code]) => code.startsWith('2'))
    const request = requestRef ? refName(requestRef) : null
    return {
      id,
      name: camel(id),
      method,
      path,
      // In the order they appear in the path (native code fills them in that order).
      pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
      queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
      request,
      bodyFields: request ? Object.keys(schemas[request].properties ?? {}) : null,
      response: refName(jsonSchema(answer.content).$ref),
      status: Number(status),
    }
  })

  // The types the surface uses: requests, responses, every call.* event, and what they reach.
  const events = Object.entries(schemas)
    .filter(([, s]) => s.properties?.type?.default?.startsWith?.('call.'))
    .map(([name]) => name)
    .sort()
  const parameterTypes = SURFACE.flatMap((id) =>
    (byId.get(id).op.parameters ?? [])
      .map((p) => (p.schema ?? jsonSchema(p.content))?.$ref)
      .filter(Boolean)
      .map(refName),
  )
  const roots = [...operations.flatMap((o) => [o.request, o.response]).filter(Boolean), ...parameterTypes, ...events]
  const used = new Set()
  const visit = (name) => {
    if (used.has(name)) return
    used.add(name)
    walkRefs(schemas[name], visit)
  }
  for (const name of roots) visit(name)
  const names = [...used].sort()

  const answers = new Set()
  const visitAnswer = (name) => {
    if (answers.has(name)) return
    answers.add(name)
    walkRefs(schemas[name], visitAnswer)
  }
  for (const o of operations) visitAnswer(o.response)
  const decoders = decoderTable(schemas, [...answers].sort())
  const lists = enumerations(spec, schemas, events)
  const header = `Generated by scripts/generate-node-sdk.mjs from Stream's OpenAPI spec ${spec.info.version} (sha256 ${sha256}). Do not edit.`
  return {
    'node-sdk/operations.js': operationsJs(header, spec.info.version, sha256, operations, decoders, lists),
    'node-sdk/models.d.ts': modelsDts(header, schemas, names),
    'src/spec.rs': specRs(header, operations, lists),
    'emulator/skeletons.js': skeletonsJs(header, schemas, names, events),
    '__test__/fixtures/openapi-schemas.json': schemasJson(spec, sha256, schemas, names),
  }
}

function walkRefs(schema, found) {
  if (!schema || typeof schema !== 'object') return
  if (schema.$ref) found(refName(schema.$ref))
  for (const value of Object.values(schema)) if (typeof value === 'object') walkRefs(value, found)
}

// ------------------------------------------------------------------ decoders

/**
 * Properties node-sdk 0.7.64 leaves as they arrive although this spec would
 * decode them: its generator read `messages` where the spec (and Stream)
 * write `Messages`. Results must be node-sdk's, so it is left too.
 */
const NODE_SDK_UNDECODED = new Set(['ChatActivityStatsResponse.Messages'])

/**
 * node-sdk's response decoders, derived as its generator derives them: a
 * property is decoded when it is a date-time (to a Date) or refers to a schema
 * that has a decoder, singly or as the items or values of an array or map.
 */
function decoderTable(schemas, names) {
  const has = new Set()
  const mapping = (name) => {
    const out = {}
    for (const [key, prop] of Object.entries(schemas[name]?.properties ?? {})) {
      if (NODE_SDK_UNDECODED.has(`${name}.${key}`)) continue
      const single = target(prop)
      if (single) {
        out[key] = [single, 1]
        continue
      }
      const inner = prop.items ?? (typeof prop.additionalProperties === 'object' ? prop.additionalProperties : null)
      const many = inner && target(inner)
      if (many) out[key] = [many, 0]
    }
    return out
  }
  const target = (prop) => {
    if (prop.format === 'date-time') return 'DatetimeType'
    if (prop.$ref && has.has(refName(prop.$ref))) return refName(prop.$ref)
    return null
  }
  // A schema has a decoder when anything in it decodes: grow the set to a fixpoint.
  const all = Object.keys(schemas)
  for (let grew = true; grew; ) {
    grew = false
    for (const name of all) {
      if (!has.has(name) && Object.keys(mapping(name)).length > 0) {
        has.add(name)
        grew = true
      }
    }
  }
  return Object.fromEntries(names.filter((n) => has.has(n)).map((n) => [n, mapping(n)]))
}

// ------------------------------------------------------------------ writers

function operationsJs(header, version, sha256, operations, decoders, lists) {
  const rows = operations.map((o) => `  ${JSON.stringify(o)},`).join('\n')
  const decoderRows = Object.entries(decoders)
    .map(([name, m]) => `  ${name}: ${JSON.stringify(m)},`)
    .join('\n')
  return `// ${header}
'use strict'

/** The spec this file was generated from. */
const SPEC = ${JSON.stringify({ version, sha256 })}

/**
 * One row per operation: its id and JS name, method, path (path parameters
 * in order), query parameters, request schema and body fields, response
 * schema and success status. The row's index is the operation's number in
 * src/spec.rs.
 */
const OPERATIONS = [
${rows}
]

/**
 * For each response schema with something to decode: property -> [schema or
 * 'DatetimeType', 1 when single, 0 when the items of an array or the values
 * of a map].
 */
const DECODERS = {
${decoderRows}
}

/** The spec's enumerations the package checks, and the call.* event types (as src/spec.rs has them). */
const LISTS = ${JSON.stringify(Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, v.values])))}

module.exports = { SPEC, OPERATIONS, DECODERS, LISTS }
`
}

function tsType(schema, response) {
  if (!schema) return 'any'
  if (schema.$ref) return refName(schema.$ref)
  if (schema.format === 'date-time') return 'Date'
  if (schema.enum && schema.type === 'string') return schema.enum.map((v) => JSON.stringify(v)).join(' | ')
  switch (schema.type) {
    case 'string':
      return 'string'
    case 'integer':
    case 'number':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'array':
      return `Array<${tsType(schema.items, response)}>`
    case 'object':
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return `Record<string, ${tsType(schema.additionalProperties, response)}>`
      }
      return 'Record<string, any>'
    default:
      return 'any'
  }
}

function modelsDts(header, schemas, names) {
  const out = [`// ${header}`, '']
  for (const name of names) {
    const schema = schemas[name]
    const required = new Set(schema.required ?? [])
    const props = Object.entries(schema.properties ?? {})
    if (schema.description) out.push(`/** ${oneLine(schema.description)} */`)
    out.push(`export interface ${name} {`)
    for (const [key, prop] of props) {
      const doc = prop.description ?? prop.title
      if (doc) out.push(`  /** ${oneLine(doc)} */`)
      const type = tsType(prop)
      const nullable = prop.nullable ? ' | null' : ''
      out.push(`  ${/^\w+$/.test(key) ? key : JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${type}${nullable};`)
    }
    if (props.length === 0) out.push('  [key: string]: any;')
    out.push('}', '')
  }
  return out.join('\n')
}

/**
 * The least value of each schema the spec accepts: its required properties,
 * each the least value of its type (an enum's first value, empty text, 0,
 * false, no items, a placeholder time). The emulator lays its real values
 * over these, so its answers have every field Stream's always have.
 */
function skeletonsJs(header, schemas, names, events) {
  const least = (schema, seen) => {
    if (schema.$ref) {
      const name = refName(schema.$ref)
      return seen.has(name) ? null : least(schemas[name], new Set([...seen, name]))
    }
    if (schema.format === 'date-time') return '1970-01-01T00:00:00Z'
    if (schema.enum) return schema.enum[0]
    if (schema.type === 'string') return ''
    if (schema.type === 'integer' || schema.type === 'number') return 0
    if (schema.type === 'boolean') return false
    if (schema.type === 'array') return []
    const out = {}
    for (const key of schema.required ?? []) out[key] = least(schema.properties[key], seen)
    return out
  }
  const rows = names
    .filter((n) => (schemas[n].required ?? []).length > 0)
    .map((n) => `  ${n}: ${JSON.stringify(least(schemas[n], new Set([n])))},`)
    .join('\n')
  const eventRows = events.map((n) => `  ${JSON.stringify(schemas[n].properties.type.default)}: ${JSON.stringify(n)},`).join('\n')
  return `// ${header}
'use strict'

/** The least body of each schema with required fields (see scripts/generate-node-sdk.mjs). */
const SKELETONS = {
${rows}
}

/** The schema of each call.* event, by its \`type\`. */
const EVENT_SCHEMAS = {
${eventRows}
}

module.exports = { SKELETONS, EVENT_SCHEMAS }
`
}

/** The schemas' shapes: what validation and sample bodies need, no prose. */
function schemasJson(spec, sha256, schemas, names) {
  const KEEP = ['type', 'format', '$ref', 'items', 'additionalProperties', 'properties', 'required', 'enum', 'nullable', 'default']
  const shape = (schema) => {
    if (!schema || typeof schema !== 'object') return schema
    const out = {}
    for (const key of KEEP) {
      if (!(key in schema)) continue
      const value = schema[key]
      if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
      else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) out[key] = shape(value)
      else out[key] = value
    }
    return out
  }
  const body = { spec: { version: spec.info.version, sha256 }, schemas: Object.fromEntries(names.map((n) => [n, shape(schemas[n])])) }
  return `${JSON.stringify(body, null, 1)}\n`
}

function oneLine(text) {
  return text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim()
}

/**
 * The spec's enumerations this package checks arguments against, each with
 * where it comes from, and the call.* event types.
 */
function enumerations(spec, schemas, events) {
  const property = (schema, name) => ({ from: `${schema}.${name}`, values: schemas[schema].properties[name].enum })
  const recordingType = spec.paths['/api/v2/video/call/{type}/{id}/recordings/{recording_type}/start'].post.parameters.find((p) => p.name === 'recording_type')
  return {
    LANGUAGES: property('TranscriptionSettingsRequest', 'language'),
    SETTING_MODES: property('RecordSettingsRequest', 'mode'),
    RECORDING_QUALITIES: property('RecordSettingsRequest', 'quality'),
    RECORDING_TYPES: { from: "StartRecording's recording_type", values: recordingType.schema.enum },
    CALL_EVENT_TYPES: { from: 'the `type` of every call.* event schema, sorted', values: events.map((e) => schemas[e].properties.type.default).sort() },
  }
}

function specRs(header, operations, lists) {
  const constants = Object.entries(lists)
    .map(
      ([name, { from, values }]) =>
        `/// ${from}\npub const ${name}: [&str; ${values.length}] = [\n${values.map((v) => `  ${JSON.stringify(v)},`).join('\n')}\n];`,
    )
    .join('\n\n')
  return `${apiTableRs(header, operations)}\n${constants}\n`
}

function apiTableRs(header, operations) {
  const rows = operations
    .map(
      (o) =>
        `  ApiOperation { id: ${JSON.stringify(o.id)}, name: ${JSON.stringify(o.name)}, method: ${JSON.stringify(o.method)}, path: ${JSON.stringify(o.path)} },`,
    )
    .join('\n')
  return `//! ${header}
//!
//! Facts from Stream's spec: the operations of the node-sdk surface, in
//! \`node-sdk/operations.js\`'s order (JS names an operation by its index
//! here), and the enumerations this package checks arguments against.

/// One REST operation as Stream's spec declares it.
#[derive(Debug, PartialEq, Eq)]
pub struct ApiOperation {
  /// The spec's operationId.
  pub id: &'static str,
  /// node-sdk's method name for it (camelCase of the id).
  pub name: &'static str,
  pub method: &'static str,
  /// With \`{name}\` for each path parameter.
  pub path: &'static str,
}

pub const API_OPERATIONS: [ApiOperation; ${operations.length}] = [
${rows}
];
`
}

// ------------------------------------------------------------------ main

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = specPath()
  if (!existsSync(path)) {
    console.error(`Stream's OpenAPI spec is not at ${path}; set STREAM_OPENAPI_SPEC to its path`)
    process.exit(2)
  }
  const files = generate(readFileSync(path, 'utf8'))
  const check = process.argv.includes('--check')
  let stale = 0
  for (const [file, text] of Object.entries(files)) {
    const at = join(root, file)
    const same = existsSync(at) && readFileSync(at, 'utf8') === text
    if (check) {
      if (!same) {
        stale++
        console.error(`${file} differs from what the spec generates`)
      }
    } else if (!same) {
      writeFileSync(at, text)
      console.log(`wrote ${file}`)
    }
  }
  if (stale > 0) process.exit(1)
}
