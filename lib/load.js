'use strict'
// Loading the native binary. The fast path requires this platform's binary
// where napi's generated loader (`binding.js`) looks first (a local build,
// then the platform package), without the loader's own work (about 2 ms of a
// cold start). Anything unusual (an override, WASI, a failed load) goes
// through `binding.js`; on a platform without a binary, an error that names
// the platform package and the fix (`STREAM_NATIVE_BINDING`), with the
// loader's own error as its cause.

const { dirname } = require('node:path')

function loadBinding() {
  if (!process.env.NAPI_RS_NATIVE_LIBRARY_PATH && !process.env.NAPI_RS_FORCE_WASI) {
    for (const target of candidates()) {
      try {
        return require(target)
      } catch {
        // binding.js below tries again and tells why
      }
    }
  }
  try {
    return require('../binding.js')
  } catch (cause) {
    const platform = platformName()
    const pkg = `stream-video-native-${platform}`
    const installed = installedAt(pkg)
    // The loader tried several files and flavours; the error that matters is the platform package's own.
    const all = causes(cause)
    const real =
      installed &&
      (all.find((e) => e.code === 'ERR_DLOPEN_FAILED') ?? all.find((e) => e !== cause && String(e.message).includes(pkg) && e.code !== 'MODULE_NOT_FOUND'))
    const error = new Error(
      installed && real
        ? `stream-video-native could not load its native binary for ${platform} (${pkg} is installed at ${installed}): ${real.message}`
        : `stream-video-native has no native binary for this platform (${platform}): neither ` +
            `./stream-video-native.${platform}.node nor the package ${pkg} could be loaded. ` +
            `Prebuilt binaries exist for linux x64/arm64 (glibc and musl), macOS x64/arm64 and Windows x64/arm64; ` +
            `reinstall with optional dependencies enabled (no --no-optional / --omit=optional), ` +
            `or build from source with \`npm run build\` in a checkout.`,
      { cause: real ?? cause },
    )
    error.code = 'STREAM_NATIVE_BINDING'
    throw error
  }
}

/** Where a package resolves from, or null when it is not installed. */
function installedAt(pkg) {
  try {
    return dirname(require.resolve(`${pkg}/package.json`))
  } catch {
    return null
  }
}

/** An error and its `cause` chain (arrays of causes included), flattened. */
function causes(error, seen = new Set()) {
  if (!error || seen.has(error)) return []
  seen.add(error)
  if (Array.isArray(error)) return error.flatMap((e) => causes(e, seen))
  return [error, ...causes(error.cause, seen)]
}

/**
 * Where this platform's binary may be, in napi's order. On Linux, glibc's
 * first, then musl's: no libc detection is needed, because a binary for the
 * other libc is either not installed (the platform packages declare their
 * libc) or fails to load, and the next one is tried.
 */
function candidates() {
  const { platform, arch } = process
  const names = platform === 'linux' ? [`linux-${arch}-gnu`, `linux-${arch}-musl`] : [platform === 'win32' ? `win32-${arch}-msvc` : `${platform}-${arch}`]
  return [...names.map((name) => `../stream-video-native.${name}.node`), ...names.map((name) => `stream-video-native-${name}`)]
}

/** The platform suffix of the binary napi's loader looks for, e.g. `linux-x64-gnu`. */
function platformName() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport().header.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  return platform === 'win32' ? `win32-${arch}-msvc` : `${platform}-${arch}`
}

module.exports = loadBinding()
