// Lets Node 24 run the project's TypeScript test tooling (demo, bench, stand-in istioctl) directly:
// Node strips the types itself; this hook maps the `.js` specifiers used in imports to the `.ts` files.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  if ((specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) && specifier.endsWith('.js') && context.parentURL && !context.parentURL.includes('/node_modules/')) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) {
      const ts = url.href.slice(0, -3) + '.ts';
      if (existsSync(fileURLToPath(ts))) return next(ts, context);
    }
  }
  return next(specifier, context);
}`)
);
