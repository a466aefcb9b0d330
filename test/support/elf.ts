// Just enough of a 64-bit little-endian ELF reader to tell how a binary was linked.
import * as fs from 'node:fs';

export interface ElfFacts {
  machine: 'x86_64' | 'aarch64' | string;
  interpreter: boolean; // PT_INTERP: needs a dynamic loader
  dynamic: boolean; // PT_DYNAMIC: links shared libraries
  symtab: boolean; // a .symtab section: not stripped
}

const MACHINES: Record<number, string> = { 0x3e: 'x86_64', 0xb7: 'aarch64' };

export function readElf(file: string): ElfFacts {
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error(`${file}: not a 64-bit little-endian ELF`);
  const phoff = Number(b.readBigUInt64LE(0x20));
  const shoff = Number(b.readBigUInt64LE(0x28));
  const [phentsize, phnum, shentsize, shnum] = [0x36, 0x38, 0x3a, 0x3c].map((o) => b.readUInt16LE(o));
  const segments = Array.from({ length: phnum }, (_, i) => b.readUInt32LE(phoff + i * phentsize));
  const sections = Array.from({ length: shnum }, (_, i) => b.readUInt32LE(shoff + i * shentsize + 4));
  return {
    machine: MACHINES[b.readUInt16LE(0x12)] ?? `0x${b.readUInt16LE(0x12).toString(16)}`,
    interpreter: segments.includes(3),
    dynamic: segments.includes(2),
    symtab: sections.includes(2), // SHT_SYMTAB
  };
}

/** The names of an ELF file's sections (from its section-name string table). */
export function elfSectionNames(file: string): string[] {
  const b = fs.readFileSync(file);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const [shentsize, shnum, shstrndx] = [0x3a, 0x3c, 0x3e].map((o) => b.readUInt16LE(o));
  const strtab = Number(b.readBigUInt64LE(shoff + shstrndx * shentsize + 0x18));
  return Array.from({ length: shnum }, (_, i) => {
    const start = strtab + b.readUInt32LE(shoff + i * shentsize);
    return b.toString('latin1', start, b.indexOf(0, start));
  });
}
