/**
 * The kernel's memory, brought up in one call: survey the machine, build
 * the frame allocator over what the kernel owns, and offer DMA buffers and
 * accounting on top. Later chapters' drivers take a `Memory` (or just its
 * allocDma) as a parameter.
 */
import type { Hardware } from '../abi/hardware';
import { allocDma, type DmaBuffer, type DmaOptions } from './dma';
import { FrameAllocator } from './frames';
import { surveyMemory, type MemoryPicture } from './picture';
import { memoryReport, type MemoryReport } from './usage';

export interface Memory {
  picture: MemoryPicture;
  frames: FrameAllocator;
  allocDma(byteLength: number, options?: DmaOptions): DmaBuffer;
  report(): MemoryReport;
}

// #region start-memory
export function startMemory(hw: Pick<Hardware, 'physical' | 'bootInfo' | 'memoryUsage'>): Memory {
  const picture = surveyMemory(hw);
  const frames = new FrameAllocator(picture.owned);
  return {
    picture,
    frames,
    allocDma: (byteLength, options) => allocDma(frames, hw, byteLength, options),
    report: () => memoryReport(hw, frames),
  };
}
// #endregion start-memory
