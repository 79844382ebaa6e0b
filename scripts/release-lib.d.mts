// Types of scripts/release-lib.mjs for the TypeScript tests.
export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
  version: string;
  tag: string;
  majorTag: string;
}
export interface TagPlan extends Version {
  moveMajor: boolean;
  majorReason: string;
  problems: string[];
}
export function parseVersion(input: string): Version;
export function compareVersions(a: string | Version, b: string | Version): number;
export function releaseTags(tags: string[]): Version[];
export function planTags(version: string | Version, existingTags: string[]): TagPlan;
export function changelogSection(text: string, version: string): { date?: string; body: string } | undefined;
export function releaseNotes(text: string, version: string | Version): string;
export function checkRelease(
  version: string,
  opts?: { tagPushed?: boolean }
): { plan?: TagPlan; notes?: string; problems: string[] };
