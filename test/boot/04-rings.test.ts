import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDiskImage } from '../../tools/boot/devices';
import { bootStage } from './boot';

const HOST_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x01);
const GUEST_MAC = '52:54:00:12:34:56';

/** A UDP socket on loopback standing in for the other end of the guest's Ethernet link. */
async function peerSocket(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port };
}

async function freePort(): Promise<number> {
  const { socket, port } = await peerSocket();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function frame(destination: Uint8Array, payload: string): Buffer {
  const bytes = Buffer.alloc(60);
  Buffer.from(destination).copy(bytes, 0);
  Buffer.from(HOST_MAC).copy(bytes, 6);
  bytes.writeUInt16BE(0x88b5, 12);
  bytes.write(payload, 14);
  return bytes;
}

const mac = (bytes: Buffer, at: number) =>
  [...bytes.subarray(at, at + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');

describe('stage 04 on QEMU', () => {
  it('reads what the host wrote on the disk, and writes a sector the host reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-disk-'));
    const disk = join(dir, 'disk.img');
    ensureDiskImage(disk, 256 * 1024);
    const token = `t${Date.now().toString(36)}`;
    const image = readFileSync(disk);
    image.write(`host says ${token}\0`, 0);
    writeFileSync(disk, image);
    const result = await bootStage('04', {
      devices: { disk, net: 'none' },
      append: `disk.token=${token}`,
    });
    expect(result.code).toBe(0);
    expect(result.output).toContain('virtio-blk: 512 sectors (256 KiB), serial "kindling-disk"');
    expect(result.output).toContain(`sector 0 says: "host says ${token}"`);
    expect(result.output).toContain('read it back: identical');
    const after = readFileSync(disk);
    expect(after.subarray(512, 512 + 32).toString('latin1')).toContain(`kindling wrote: ${token}`);
    expect(result.output).toContain('no virtio-net device');
  });

  it('exchanges raw Ethernet frames with the host through QEMU, and records them with --pcap', async () => {
    const { socket, port: peerPort } = await peerSocket();
    const qemuPort = await freePort();
    const received: Buffer[] = [];
    socket.on('message', (message) => {
      received.push(message);
      // Answer the guest's broadcast hello: one frame to it, one broadcast.
      if (received.length === 1) {
        socket.send(
          frame(Uint8Array.of(0x52, 0x54, 0, 0x12, 0x34, 0x56), 'ping one'),
          qemuPort,
          '127.0.0.1',
        );
        socket.send(
          frame(Uint8Array.of(255, 255, 255, 255, 255, 255), 'ping two'),
          qemuPort,
          '127.0.0.1',
        );
      }
    });
    const pcap = join(mkdtempSync(join(tmpdir(), 'kindling-pcap-')), 'net.pcap');
    const result = await bootStage('04', {
      devices: { net: `udp:${qemuPort}:${peerPort}`, disk: 'none', pcap },
      append: 'net.wait=3000',
    });
    socket.close();
    expect(result.code).toBe(0);
    expect(result.output).toContain(`virtio-net: MAC ${GUEST_MAC}, link up`);
    expect(result.output).toContain('frame from 02:00:00:00:00:01: "ping one"');
    expect(result.output).toContain('frame from 02:00:00:00:00:01: "ping two"');
    // The hello, then the two echoes, as real frames on the wire.
    expect(received.length).toBe(3);
    const [hello, ...echoes] = received;
    expect(mac(hello!, 0)).toBe('ff:ff:ff:ff:ff:ff');
    expect(mac(hello!, 6)).toBe(GUEST_MAC);
    expect(hello!.readUInt16BE(12)).toBe(0x88b5);
    expect(hello!.subarray(14, 28).toString()).toBe('kindling hello');
    expect(echoes.map((e) => mac(e, 0))).toEqual(['02:00:00:00:00:01', '02:00:00:00:00:01']);
    expect(echoes.map((e) => e.subarray(14).toString().replace(/\0+$/, ''))).toEqual([
      'kindling echo: ping one',
      'kindling echo: ping two',
    ]);
    // pcap: a global header, then one record per frame in either direction.
    const capture = readFileSync(pcap);
    expect(capture.readUInt32LE(0)).toBe(0xa1b2c3d4);
    let records = 0;
    for (let at = 24; at + 16 <= capture.length; records++) at += 16 + capture.readUInt32LE(at + 8);
    expect(records).toBe(5);
  });
});
