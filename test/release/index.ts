// Stand-in Istio releases for tests: archive builder, release server and (via the archives) the
// stand-in istioctl. See test/release/README.md.
export { buildReleases, istioctlScript, releaseTree, type BuiltRelease } from './build.js';
export {
  startReleaseServer,
  RELEASE_INDEX,
  type Fault,
  type FaultKind,
  type RecordedRequest,
  type ReleaseServer
} from './server.js';
export { DEFAULT_VERSIONS, PLATFORMS, releaseModel, type ReleaseModel } from './model/version.js';
