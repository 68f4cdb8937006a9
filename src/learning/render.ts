import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY } from './card.js';

/**
 * Draws SVG to PNG on the server with resvg (Rust, prebuilt binaries shipped as npm packages; no
 * install script) and Be Vietnam Pro, an OFL font designed for Vietnamese, read from its npm
 * package: no system font and no network at run time.
 */
const require = createRequire(import.meta.url);
export const FONT_FILES = [
  require.resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf'),
  require.resolve('@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf'),
];

export interface RenderedPng {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  /** RGBA, row by row: for checks without decoding the PNG. */
  readonly pixels: Buffer;
}

export function renderPng(svg: string): RenderedPng {
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'original' },
    background: '#FFFFFF',
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}
