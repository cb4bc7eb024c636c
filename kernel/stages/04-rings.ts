/**
 * Stage 04 - Rings. PCI enumeration, the virtio transport, split
 * virtqueues, and two real drivers: raw Ethernet frames in and out of
 * virtio-net, sectors in and out of virtio-blk.
 *
 *   kindling boot 04                                (QEMU user network, a scratch disk)
 *   kindling boot 04 --disk my.img --append "disk.token=hello net.wait=5000"
 */
import type { Hardware } from '../src/abi/hardware';
import { parseCommandLine } from '../src/boot/command-line';
import { Serial } from '../src/drivers/serial';
import { startEvents, type Events } from '../src/events/setup';
import { startMemory } from '../src/memory/setup';
import {
  BROADCAST,
  buildFrame,
  ETHERTYPE_EXPERIMENTAL,
  formatMac,
  parseFrame,
} from '../src/net/ethernet-frame';
import { BarAllocator } from '../src/pci/bars';
import { PciConfig } from '../src/pci/config';
import { enumerate, type PciFunction } from '../src/pci/device';
import { boot } from '../src/runtime/boot';
import { decodeUtf8, encodeUtf8 } from '../src/util/compute';
import { SECTOR_SIZE, VirtioBlk } from '../src/virtio/blk';
import { VirtioFunction, type VirtioContext } from '../src/virtio/device';
import { VirtioNet } from '../src/virtio/net';
import { virtioDeviceId } from '../src/virtio/pci-transport';

type Print = (line?: string) => void;

boot(async (hw) => {
  const serial = new Serial(hw);
  serial.init();
  const print: Print = (line = '') => serial.write(`${line}\n`);
  print('Kindling stage 04: rings');
  const options = parseCommandLine(hw.bootInfo().commandLine);
  const memory = startMemory(hw);
  const events = startEvents(hw);

  // #region discover
  const functions = enumerate(new PciConfig(hw));
  print(`PCI: ${functions.length} functions`);
  for (const pci of functions) print(`  ${pci}  ${describe(pci)}`);
  const context: VirtioContext = {
    hw,
    events,
    bars: new BarAllocator(),
    allocDma: memory.allocDma,
  };
  const netPci = functions.find((pci) => virtioDeviceId(pci) === 1);
  const blkPci = functions.find((pci) => virtioDeviceId(pci) === 2);
  // #endregion discover

  if (blkPci)
    await exerciseDisk(new VirtioBlk(new VirtioFunction(blkPci, context), context), options, print);
  else print('no virtio-blk device');
  if (netPci)
    await exerciseNetwork(
      new VirtioNet(new VirtioFunction(netPci, context), context),
      events,
      hw,
      options,
      print,
    );
  else print('no virtio-net device');

  print(`frames in use at the end: ${memory.report().frames.used}`);
  print('stage 04 done: exit 0');
  return 0;
});

function describe(pci: PciFunction): string {
  const names: Record<number, string> = { 1: 'virtio-net', 2: 'virtio-blk' };
  const id = virtioDeviceId(pci);
  if (id !== undefined) return names[id] ?? `virtio device ${id}`;
  const classes: Record<number, string> = {
    0x0600: 'host bridge',
    0x0601: 'ISA bridge',
    0x0106: 'SATA',
    0x0c05: 'SMBus',
  };
  return classes[pci.classCode >>> 8] ?? 'other';
}

// #region disk
/** Reads sector 0 (the host may have put a message there) and writes sector 1. */
async function exerciseDisk(
  blk: VirtioBlk,
  options: Map<string, string>,
  print: Print,
): Promise<void> {
  print(
    `virtio-blk: ${blk.sectors} sectors (${(blk.sectors * SECTOR_SIZE) / 1024} KiB), serial "${await blk.id()}"`,
  );
  const first = await blk.read(0);
  const end = first.indexOf(0);
  const text = decodeUtf8(first.subarray(0, end < 0 ? 64 : Math.min(end, 64)));
  print(`  sector 0 says: ${JSON.stringify(text)}`);
  const message = new Uint8Array(SECTOR_SIZE);
  message.set(encodeUtf8(`kindling wrote: ${options.get('disk.token') ?? 'hello'}`));
  await blk.write(1, message);
  await blk.flush();
  const back = await blk.read(1);
  const same = back.every((byte, i) => byte === message[i]);
  print(`  wrote sector 1, flushed, read it back: ${same ? 'identical' : 'DIFFERENT'}`);
  print(`  ${blk.stats.reads} reads, ${blk.stats.writes} writes, ${blk.stats.flushes} flushes`);
}
// #endregion disk

// #region network
/**
 * Says hello to the link with a broadcast frame, then answers every frame
 * of our experimental EtherType with a unicast echo, for `net.wait` ms.
 */
async function exerciseNetwork(
  net: VirtioNet,
  events: Events,
  hw: Hardware,
  options: Map<string, string>,
  print: Print,
): Promise<void> {
  print(`virtio-net: MAC ${formatMac(net.mac)}, link ${net.linkUp ? 'up' : 'down'}`);
  const hello = encodeUtf8('kindling hello');
  await net.transmit(
    buildFrame({
      destination: BROADCAST,
      source: net.mac,
      etherType: ETHERTYPE_EXPERIMENTAL,
      payload: hello,
    }),
  );
  const waitMs = Number(options.get('net.wait') ?? 1000);
  print(`  sent a broadcast hello; listening ${waitMs} ms for EtherType 0x88b5 frames`);
  const until = hw.clockNs() + waitMs * 1e6;
  let echoed = 0;
  while (hw.clockNs() < until) {
    const left = (until - hw.clockNs()) / 1e6;
    const bytes = await events.loop.timeout(net.receive(), left).catch(() => undefined);
    if (!bytes) break;
    const frame = parseFrame(bytes);
    if (frame.etherType !== ETHERTYPE_EXPERIMENTAL) continue;
    const payload = frame.payload.subarray(
      0,
      frame.payload.indexOf(0) < 0 ? undefined : frame.payload.indexOf(0),
    );
    const text = decodeUtf8(payload);
    print(`  frame from ${formatMac(frame.source)}: ${JSON.stringify(text)}`);
    await net.transmit(
      buildFrame({
        destination: frame.source,
        source: net.mac,
        etherType: ETHERTYPE_EXPERIMENTAL,
        payload: encodeUtf8(`kindling echo: ${text}`),
      }),
    );
    echoed++;
  }
  print(`  echoed ${echoed} frames; ${net.stats.received} received, ${net.stats.sent} sent`);
}
// #endregion network
