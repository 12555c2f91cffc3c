// The specs about the binary, which the release workflow runs on every built
// target (Linux glibc and musl, macOS, Windows; x64 and arm64): loading,
// tokens, webhooks, REST against the emulator, the node-sdk surface,
// cancellation, limits. Nothing in them needs git, bash or a shell shim (a
// test proves it: __test__/e2e/binary-specs.spec.mjs). The full suite
// (`npm test`) also runs the docs, release and workflow specs, on Linux.
export const BINARY_SPECS = [
  'api',
  'arguments',
  'calls',
  'emulator',
  'emulator-hostile',
  'emulator-spec',
  'entry',
  'env',
  'faults',
  'hygiene',
  'limits',
  'native',
  'node-sdk',
  'responses',
  'tracing',
  'users',
  'webhook',
].map((name) => `__test__/${name}.spec.mjs`)

export default {
  files: BINARY_SPECS,
  workerThreads: false,
  timeout: '2m',
  environmentVariables: { STREAM_LOG: 'silent' },
}
