#!/usr/bin/env node
// Renders every app icon from the one source image, resources/icon.svg.
// electron-builder derives the .ico and .icns from the 1024 px PNG.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const resources = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../resources');
const source = path.join(resources, 'icon.svg');
const renderer = path.resolve(resources, '../src/renderer/public');
for (const [file, size] of [
  [path.join(resources, 'icon.png'), 1024],
  [path.join(resources, 'icon-256.png'), 256],
  [path.join(renderer, 'favicon.png'), 256],
]) {
  await sharp(source, { density: 300 }).resize(size, size).png().toFile(file);
  console.log(`${path.relative(path.dirname(resources), file)} (${size} px)`);
}
