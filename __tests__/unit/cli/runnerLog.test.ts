// The CLI's and the demo's log rendering: what a runner shows for the action's workflow commands.
import { describe, expect, it } from '@jest/globals';
import { outputsTable, RunnerLog } from '../../../src/cli/runnerLog.js';

function render(text: string, debug = false, chunk = text.length): string[] {
  const lines: string[] = [];
  const log = new RunnerLog({ out: (l) => lines.push(l), debug });
  for (let i = 0; i < text.length; i += chunk) log.write(text.slice(i, i + chunk));
  log.end();
  return lines;
}

describe('RunnerLog', () => {
  it('hides add-mask lines and prints every later occurrence of the secret as ***', () => {
    const out = render('::add-mask::s3cr3t-token\nusing token s3cr3t-token for s3cr3t-token\n');
    expect(out).toEqual(['using token *** for ***']);
    expect(out.join('\n')).not.toContain('s3cr3t');
  });

  it('masks the longer of two overlapping secrets whole', () => {
    expect(render('::add-mask::abc\n::add-mask::abcdef\nabcdef abc\n')).toEqual(['*** ***']);
  });

  it('shows debug lines only with debug on', () => {
    const text = '::debug::finished caching tool\nplain\n';
    expect(render(text)).toEqual(['plain']);
    expect(render(text, true)).toEqual(['[debug] finished caching tool', 'plain']);
  });

  it('renders groups as headings and annotations with their level and title', () => {
    const text = [
      '::group::Install Istio',
      'istioctl install',
      '::endgroup::',
      '::warning::gateway-hosts is *',
      '::error title=Routing%3A failed::line one%0Aline two',
      '::save-state name=kubeconfig-path::/tmp/x',
      '::set-env name=KUBECONFIG::/tmp/x',
      ''
    ].join('\n');
    expect(render(text)).toEqual([
      '▸ Install Istio',
      'istioctl install',
      'Warning: gateway-hosts is *',
      'Error: Routing: failed: line one',
      'Error: Routing: failed: line two'
    ]);
  });

  it('renders the same whatever the chunking, CRLF included', () => {
    const text = '::add-mask::pw\r\nlogin pw\r\n::group::g\r\nend without newline pw';
    const whole = render(text);
    expect(render(text, false, 3)).toEqual(whole);
    expect(whole).toEqual(['login ***', '▸ g', 'end without newline ***']);
  });
});

describe('outputsTable', () => {
  it('masks each value before shortening it, so a cut never leaves part of a secret', () => {
    const secret = 'tok-0123456789abcdef';
    const rows = outputsTable(
      { url: 'http://x', kubeconfig: `${'a'.repeat(8)}${secret}` },
      (s) => s.split(secret).join('***'),
      12
    );
    expect(rows).toEqual(['  url         http://x', '  kubeconfig  aaaaaaaa***']);
    expect(outputsTable({}, (s) => s)).toEqual([]);
  });
});
