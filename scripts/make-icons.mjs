#!/usr/bin/env node
// Renders every app icon from the one source image, resources/icon.svg.
// electron-builder derives the .ico and .icns from the 1024 px PNG.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const resources = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../resources');
const source = path.join(resources, 'icon.svg');
for (const [file, size] of [
  ['icon.png', 1024],
  ['icon-256.png', 256],
]) {
  await sharp(source, { density: 300 }).resize(size, size).png().toFile(path.join(resources, file));
  console.log(`resources/${file} (${size} px)`);
}
