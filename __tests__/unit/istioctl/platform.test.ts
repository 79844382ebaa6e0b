import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../../src/errors.js';
import { assetUrls, binaryName, parseSha256File, platformKey } from '../../../src/istioctl/platform.js';

describe('platformKey', () => {
  it.each([
    ['linux', 'x64', '1.30.3', 'linux-amd64'],
    ['linux', 'arm64', '1.30.3', 'linux-arm64'],
    ['linux', 'arm', '1.13.3', 'linux-armv7'],
    ['linux', 'x64', '1.13.3', 'linux-amd64'],
    ['linux', 'x64', '1.5.10', 'linux'],
    ['darwin', 'x64', '1.30.3', 'osx'], // not osx-amd64: that alias only exists from 1.19
    ['darwin', 'x64', '1.13.3', 'osx'],
    ['darwin', 'arm64', '1.30.3', 'osx-arm64'],
    ['darwin', 'arm64', '1.10.0', 'osx-arm64'],
    ['darwin', 'arm64', 'v1.13.3', 'osx-arm64'],
    ['win32', 'x64', '1.30.3', 'win'],
    ['linux', 'arm64', '1.31.0-rc.0', 'linux-arm64']
  ])('%s/%s %s → %s', (os, arch, version, expected) => {
    expect(platformKey(os, arch, version)).toBe(expected);
  });

  it.each([
    ['darwin', 'arm64', '1.9.5', /Apple silicon builds start with Istio 1\.10/, /1\.10 or later/],
    ['linux', 'arm64', '1.5.0', /amd64 only/, /1\.6 or later/],
    ['linux', 'ia32', '1.30.3', /amd64, arm64 and armv7 only/, /x64 or arm64/],
    ['linux', 's390x', '1.30.3', /amd64, arm64 and armv7 only/, /x64 or arm64/],
    ['win32', 'arm64', '1.30.3', /x64 only/, /x64 Windows runner/],
    ['freebsd', 'x64', '1.30.3', /Linux, macOS and Windows only/, /Linux runner/]
  ])('%s/%s %s is refused with a reason and a remedy', (os, arch, version, why, hint) => {
    let err: ActionError | undefined;
    try {
      platformKey(os, arch, version);
    } catch (e) {
      err = e as ActionError;
    }
    expect(err).toBeInstanceOf(ActionError);
    expect(err?.message).toContain(`${os}/${arch}`);
    expect(err?.message).toMatch(why);
    expect(err?.hint).toMatch(hint);
  });

  it('rejects a non-version', () => {
    expect(() => platformKey('linux', 'x64', 'latest')).toThrow(/not an Istio version/);
  });
});

describe('assetUrls', () => {
  it.each([
    [
      'https://github.com/istio/istio/releases/download',
      '1.30.3',
      'linux-amd64',
      'https://github.com/istio/istio/releases/download/1.30.3/istioctl-1.30.3-linux-amd64.tar.gz',
      'https://github.com/istio/istio/releases/download/1.30.3/istio-1.30.3-linux-amd64.tar.gz'
    ],
    [
      'http://127.0.0.1:8080/download/', // trailing slash
      'v1.13.3', // leading v
      'osx-arm64',
      'http://127.0.0.1:8080/download/1.13.3/istioctl-1.13.3-osx-arm64.tar.gz',
      'http://127.0.0.1:8080/download/1.13.3/istio-1.13.3-osx-arm64.tar.gz'
    ],
    [
      'https://mirror.example/istio',
      '1.30.3',
      'win',
      'https://mirror.example/istio/1.30.3/istioctl-1.30.3-win.zip',
      'https://mirror.example/istio/1.30.3/istio-1.30.3-win.zip'
    ]
  ] as const)('%s %s %s', (base, version, platform, istioctlUrl, fullUrl) => {
    const a = assetUrls(base, version, platform);
    expect(a.istioctl.url).toBe(istioctlUrl);
    expect(a.istioctl.sha256Url).toBe(`${istioctlUrl}.sha256`);
    expect(a.istioctl.fileName).toBe(istioctlUrl.split('/').pop());
    expect(a.full.url).toBe(fullUrl);
    expect(a.full.sha256Url).toBe(`${fullUrl}.sha256`);
    expect(a.full.format).toBe(platform === 'win' ? 'zip' : 'tar.gz');
  });

  it('names the binary per platform', () => {
    expect(binaryName('win')).toBe('istioctl.exe');
    expect(binaryName('linux-arm64')).toBe('istioctl');
  });
});

describe('parseSha256File', () => {
  const hex = '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';
  const name = 'istioctl-1.30.3-linux-amd64.tar.gz';

  it.each([
    ["Istio's own format", `${hex} ${name}\n`],
    ['sha256sum text mode', `${hex}  ${name}\n`],
    ['sha256sum binary mode', `${hex} *${name}\n`],
    ['uppercase digest', `${hex.toUpperCase()} ${name}`],
    ['a path before the name', `${hex} ./out/${name}`],
    ['CRLF and blank lines', `\r\n${hex} ${name}\r\n\r\n`],
    ['bare digest', `${hex}\n`],
    ['one line of several', `${'0'.repeat(64)} istio-1.30.3-linux-amd64.tar.gz\n${hex} ${name}\n`]
  ])('%s', (_name, text) => {
    expect(parseSha256File(text, name)).toBe(hex);
  });

  it.each([
    ['empty', '', /empty/],
    ['another file', `${hex} istioctl-1.30.3-osx.tar.gz\n`, /another file: istioctl-1.30.3-osx.tar.gz/],
    ['a short digest', `${hex.slice(1)} ${name}`, /not a "<sha256> <file>" line/],
    ['an HTML error page', '<html><body>Not Found</body></html>', /not a "<sha256> <file>" line/]
  ])('rejects %s', (_name, text, detail) => {
    let err: ActionError | undefined;
    try {
      parseSha256File(text, name);
    } catch (e) {
      err = e as ActionError;
    }
    expect(err?.message).toBe(`The checksum file for ${name} has no digest for it.`);
    expect(err?.details.join('\n')).toMatch(detail);
  });
});
