/**
 * The virtual hardware a stage boots with. From chapter 4 on, stages drive
 * a virtio network card and a virtio disk; `kindling boot` attaches them by
 * default (QEMU's user-mode network, a scratch disk image) and the options
 * choose otherwise.
 */
import { closeSync, existsSync, mkdirSync, openSync, ftruncateSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Devices {
  /** "user" (QEMU's NAT, with DHCP), "udp:QEMU_PORT:PEER_PORT" (frames as UDP on loopback), "none". */
  net?: string;
  /** A raw disk image, or "none". */
  disk?: string;
  /** Record the network traffic to this pcap file. */
  pcap?: string;
}

export const FIRST_STAGE_WITH_DEVICES = 4;
const SCRATCH_DISK_BYTES = 1024 * 1024;

// #region device-args
export function deviceArgs(devices: Devices): string[] {
  const args: string[] = [];
  const net = devices.net ?? 'none';
  if (net !== 'none') {
    args.push('-netdev', `${netdev(net)},id=net0`);
    args.push('-device', 'virtio-net-pci,netdev=net0,disable-legacy=on,mac=52:54:00:12:34:56');
    // filter-dump records every frame through the netdev, in both directions.
    if (devices.pcap) args.push('-object', `filter-dump,id=dump0,netdev=net0,file=${devices.pcap}`);
  } else if (devices.pcap) {
    throw new Error('--pcap needs a network (--net)');
  }
  const disk = devices.disk ?? 'none';
  if (disk !== 'none') {
    args.push('-drive', `file=${disk},if=none,format=raw,id=disk0`);
    args.push('-device', 'virtio-blk-pci,drive=disk0,disable-legacy=on,serial=kindling-disk');
  }
  return args;
}
// #endregion device-args

function netdev(spec: string): string {
  if (spec === 'user') return 'user';
  const udp = /^udp:(\d+):(\d+)$/.exec(spec);
  if (udp) return `socket,udp=127.0.0.1:${udp[2]},localaddr=127.0.0.1:${udp[1]}`;
  throw new Error(`--net must be user, none or udp:QEMU_PORT:PEER_PORT, not "${spec}"`);
}

/** Makes a zero-filled scratch image if the file does not exist yet. */
export function ensureDiskImage(path: string, bytes = SCRATCH_DISK_BYTES): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}
