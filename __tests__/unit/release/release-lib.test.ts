// The release rules shared by scripts/release.mjs and .github/workflows/release.yml, and the repository's own
// CHANGELOG.md as the release workflow will read it.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  changelogSection,
  compareVersions,
  parseVersion,
  planTags,
  releaseNotes
} from '../../../scripts/release-lib.mjs';

const root = new URL('../../../', import.meta.url);
const changelog = readFileSync(new URL('CHANGELOG.md', root), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };

describe('parseVersion', () => {
  it('accepts MAJOR.MINOR.PATCH with an optional v and prerelease', () => {
    expect(parseVersion('1.2.3')).toMatchObject({
      version: '1.2.3',
      tag: 'v1.2.3',
      majorTag: 'v1',
      prerelease: ''
    });
    expect(parseVersion('v2.0.0-rc.1')).toMatchObject({
      version: '2.0.0-rc.1',
      tag: 'v2.0.0-rc.1',
      majorTag: 'v2'
    });
  });
  it.each(['1.2', '1', 'v1', '1.2.3.4', '01.2.3', '1.2.3+build.5', 'latest', '', '1.2.x', '^1.2.3'])(
    'refuses %p',
    (v) => {
      expect(() => parseVersion(v)).toThrow(/not a release version/);
    }
  );
});

describe('compareVersions', () => {
  it('orders by Semantic Versioning precedence', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-rc.2', '1.2.0-rc.10', '1.2.0-beta', '2.0.0', '1.2.1'].sort(
      compareVersions
    );
    expect(sorted).toEqual(['1.2.0-beta', '1.2.0-rc.2', '1.2.0-rc.10', '1.2.0', '1.2.1', '1.10.0', '2.0.0']);
  });
});

describe('planTags', () => {
  it('creates the first major tag', () => {
    expect(planTags('1.0.0', [])).toMatchObject({
      tag: 'v1.0.0',
      majorTag: 'v1',
      moveMajor: true,
      problems: []
    });
  });
  it('moves the major tag to a newer release and ignores non-release tags', () => {
    const plan = planTags('1.3.0', ['v1', 'v1.2.0', 'v1.2.1', 'nightly', 'v0.9.0']);
    expect(plan).toMatchObject({ moveMajor: true, problems: [] });
  });
  it('refuses an existing tag and anything not newer than its minor line', () => {
    expect(planTags('1.2.1', ['v1.2.1']).problems).toEqual(['tag v1.2.1 exists already.']);
    expect(planTags('1.2.0', ['v1.2.1']).problems).toEqual([
      'v1.2.0 is not newer than v1.2.1, the newest release of 1.2.'
    ]);
  });
  it('lets a backport through without dragging the major tag back', () => {
    const plan = planTags('1.1.5', ['v1.1.4', 'v1.2.0']);
    expect(plan.problems).toEqual([]);
    expect(plan.moveMajor).toBe(false);
    expect(plan.majorReason).toBe('v1 stays on v1.2.0, which is newer than v1.1.5');
  });
  it('never moves the major tag to a prerelease', () => {
    expect(planTags('2.0.0-rc.1', ['v1.4.0'])).toMatchObject({
      moveMajor: false,
      majorTag: 'v2',
      problems: []
    });
    expect(planTags('1.5.0', ['v1.4.0', 'v1.5.0-rc.1'])).toMatchObject({ moveMajor: true, problems: [] });
  });
});

describe('changelog sections', () => {
  const text = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '- next thing',
    '',
    '## [1.1.0] - 2026-12-24',
    '',
    '### Fixed',
    '',
    '- a bug',
    '',
    '## [1.0.0] - 2026-12-01',
    '',
    '- first',
    '',
    '[Unreleased]: https://example.com/compare/v1.1.0...HEAD',
    '[1.1.0]: https://example.com/compare/v1.0.0...v1.1.0',
    ''
  ].join('\n');

  it('returns one version’s body, without the next section or the link references', () => {
    expect(changelogSection(text, '1.1.0')).toEqual({ date: '2026-12-24', body: '### Fixed\n\n- a bug' });
    expect(releaseNotes(text, '1.0.0')).toBe('- first');
    expect(releaseNotes(text, 'v1.1.0')).toBe('### Fixed\n\n- a bug');
  });
  it('refuses a missing, undated or empty section', () => {
    expect(() => releaseNotes(text, '1.2.0')).toThrow(/no "## \[1\.2\.0\] - YYYY-MM-DD" section/);
    expect(() => releaseNotes(text.replace('[1.1.0] - 2026-12-24', '[1.1.0]'), '1.1.0')).toThrow(
      /no release date/
    );
    expect(() => releaseNotes('## [1.0.0] - 2026-12-01\n\n## [0.9.0] - 2026-11-01\n- x\n', '1.0.0')).toThrow(
      /empty/
    );
  });
});

describe('CHANGELOG.md', () => {
  it('keeps an Unreleased section at the top', () => {
    const headings = changelog.split('\n').filter((l) => l.startsWith('## ['));
    expect(headings[0]).toBe('## [Unreleased]');
  });
  it('has dated, non-empty notes for the version in package.json', () => {
    expect(releaseNotes(changelog, pkg.version)).toMatch(/### Added/);
  });
  it('lists versions newest first, each with a link reference', () => {
    const versions = [...changelog.matchAll(/^## \[(\d[^\]]*)\] - \d{4}-\d{2}-\d{2}$/gm)].map(
      (m) => m[1] ?? ''
    );
    expect(versions.length).toBeGreaterThan(0);
    expect([...versions].sort(compareVersions).reverse()).toEqual(versions);
    for (const v of ['Unreleased', ...versions])
      expect(changelog).toMatch(new RegExp(`^\\[${v}\\]: https://`, 'm'));
  });
});
