// Reads an executable's header to tell which operating system and CPU it is for: ELF (Linux),
// Mach-O (macOS) and PE/COFF (Windows). Field offsets: the ELF specification (System V ABI,
// e_ident / e_machine), Apple's <mach-o/loader.h> (mach_header_64) and Microsoft's PE format
// documentation (IMAGE_FILE_HEADER.Machine, IMAGE_OPTIONAL_HEADER.Subsystem).

const ELF_MACHINES = { 0x3e: 'amd64', 0xb7: 'arm64', 0x28: 'arm', 0x03: '386' };
const MACHO_CPUS = { 0x01000007: 'amd64', 0x0100000c: 'arm64' };
const PE_MACHINES = { 0x8664: 'amd64', 0xaa64: 'arm64', 0x014c: '386' };

/**
 * executableFormat returns { os, arch, format, executable } for a binary's first bytes (4 KiB are
 * plenty), or null when it is not an executable of a kind Grafana runs.
 */
export function executableFormat(buf) {
  if (buf.length >= 20 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46) {
    const little = buf[5] === 1;
    const u16 = (o) => (little ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
    const type = u16(16); // e_type: 2 = ET_EXEC, 3 = ET_DYN (PIE)
    return {
      format: 'elf',
      os: buf[7] === 9 ? 'freebsd' : 'linux', // EI_OSABI: Go writes 0 (System V) for Linux
      arch: ELF_MACHINES[u16(18)] ?? `elf-machine-${u16(18)}`,
      bits: buf[4] === 2 ? 64 : 32,
      executable: type === 2 || type === 3,
    };
  }
  if (buf.length >= 16) {
    const magic = buf.readUInt32LE(0);
    if (magic === 0xfeedfacf || magic === 0xfeedface) {
      const cpu = buf.readUInt32LE(4);
      const filetype = buf.readUInt32LE(12); // MH_EXECUTE = 2
      return {
        format: 'macho',
        os: 'darwin',
        arch: MACHO_CPUS[cpu] ?? `macho-cpu-${cpu.toString(16)}`,
        bits: magic === 0xfeedfacf ? 64 : 32,
        executable: filetype === 2,
      };
    }
  }
  if (buf.length >= 0x40 && buf[0] === 0x4d && buf[1] === 0x5a) {
    const pe = buf.readUInt32LE(0x3c);
    if (pe + 24 <= buf.length && buf.readUInt32LE(pe) === 0x00004550) {
      const machine = buf.readUInt16LE(pe + 4);
      const characteristics = buf.readUInt16LE(pe + 22); // IMAGE_FILE_EXECUTABLE_IMAGE = 0x2, IMAGE_FILE_DLL = 0x2000
      return {
        format: 'pe',
        os: 'windows',
        arch: PE_MACHINES[machine] ?? `pe-machine-${machine.toString(16)}`,
        bits: machine === 0x014c ? 32 : 64,
        executable: (characteristics & 0x2) !== 0 && (characteristics & 0x2000) === 0,
      };
    }
  }
  return null;
}
