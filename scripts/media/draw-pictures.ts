/**
 * Draws the shipped pictures of content/media with the certificate's renderer (resvg and the
 * bundled Be Vietnam Pro font): simple diagrams of our own, no network, no images of others.
 * Run again after changing one: `npx tsx scripts/media/draw-pictures.ts`, then `npm run content:check`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkMedia } from '../../src/content/index.js';
import { escapeXml, renderPng } from '../../src/learning/index.js';

const NAVY = '#1F3A68';
const RED = '#C8102E';
const INK = '#22303C';
const font = 'font-family="Be Vietnam Pro"';

const text = (x: number, y: number, size: number, words: string, extra = '') =>
  `<text x="${x}" y="${y}" ${font} font-size="${size}" text-anchor="middle" ${extra}>${escapeXml(words)}</text>`;

/** np-149's question: a calendar leaf of 10 October (the question itself names the day). */
function calendarLeaf(): string {
  const w = 800;
  const h = 450;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
  <rect width="${w}" height="${h}" fill="#F4F6FA"/>
  <rect x="170" y="40" width="460" height="360" rx="24" fill="#FFFFFF" stroke="${NAVY}" stroke-width="6"/>
  <rect x="170" y="40" width="460" height="96" rx="24" fill="${RED}"/>
  <rect x="173" y="112" width="454" height="24" fill="${RED}"/>
  ${text(400, 106, 40, 'THÁNG 10', `fill="#FFFFFF" font-weight="bold"`)}
  ${text(400, 300, 170, '10', `fill="${NAVY}" font-weight="bold"`)}
  ${text(400, 370, 30, 'Ngày Chuyển đổi số quốc gia', `fill="${INK}"`)}
</svg>`;
}

/** np-149's explanation: 1 and 0, the two digits of the binary system. */
function binaryDigits(): string {
  const w = 800;
  const h = 450;
  const cell = (x: number, digit: string, fill: string) =>
    `<rect x="${x}" y="120" width="130" height="170" rx="18" fill="${fill}"/>${text(x + 65, 250, 130, digit, `fill="#FFFFFF" font-weight="bold"`)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
  <rect width="${w}" height="${h}" fill="#F4F6FA"/>
  ${text(400, 80, 38, 'Hệ nhị phân chỉ có hai chữ số', `fill="${NAVY}" font-weight="bold"`)}
  ${cell(115, '1', NAVY)}${cell(255, '0', RED)}
  ${text(430, 232, 64, '/', `fill="${INK}"`)}
  ${cell(475, '1', NAVY)}${cell(615, '0', RED)}
  ${text(400, 350, 30, 'Mọi dữ liệu số được viết bằng 0 và 1', `fill="${INK}"`)}
  ${text(400, 400, 26, 'Binary: every piece of digital data is written with 0 and 1', `fill="#5A6B7B"`)}
</svg>`;
}

const pictures: Record<string, string> = { 'ngay-cds-10-10.png': calendarLeaf(), 'he-nhi-phan-1-0.png': binaryDigits() };
const dir = path.resolve(import.meta.dirname, '../../content/media');
fs.mkdirSync(dir, { recursive: true });
for (const [name, svg] of Object.entries(pictures)) {
  const { png } = renderPng(svg);
  const checked = checkMedia(name, png);
  if (!checked.ok) throw new Error(checked.problems.map((p) => p.message).join('\n'));
  fs.writeFileSync(path.join(dir, name), png);
  console.log(`${name}: ${png.length} bytes, ${checked.width}×${checked.height}`);
}
