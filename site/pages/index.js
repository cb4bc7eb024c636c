// The home page: what Kindling is, how to start, and the way through the course.

import React from 'react';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import CodeBlock from '@theme/CodeBlock';
import styles from './index.module.css';

const chapters = [
  ['boot', '01', 'Boot', 'From the PVH entry point to TypeScript; print the boot information.'],
  ['memory', '02', 'Memory', 'The memory map, a frame allocator, DMA buffers.'],
  ['events', '03', 'Events', 'Interrupts, timers and the async/await event loop.'],
  ['rings', '04', 'Rings', 'PCI, virtio and split virtqueues: frames in and out.'],
  ['network', '05', 'Network', 'Ethernet, ARP, IPv4, ICMP, UDP and DHCP.'],
  ['tcp', '06', 'TCP', 'State machine, retransmission, flow and congestion control.'],
  ['http', '07', 'HTTP', 'An HTTP/1.1 server with Web-standard handlers.'],
  ['storage', '08', 'Storage', 'virtio-blk and a crash-safe log-structured store.'],
  ['xen', '09', 'Xen', 'The same kernel on Xen: xenstore, event channels, grants.'],
  ['benchmarks', '10', 'Benchmarks', 'Boot time, size, memory and req/s against Linux.'],
];

export default function Home() {
  return (
    <Layout
      title="Build a unikernel in TypeScript"
      description="Kindling: an open course in which you build a unikernel in TypeScript and boot it on QEMU and Xen."
    >
      <header className={styles.hero}>
        <div className="container">
          <h1 className={styles.title}>Kindling</h1>
          <p className={styles.tagline}>
            Build a unikernel in TypeScript, chapter by chapter, and boot every stage on QEMU and
            Xen.
          </p>
          <Link className="button button--primary button--lg" to="/chapters/boot">
            Start with chapter 1
          </Link>
        </div>
      </header>
      <main className="container">
        <section className={styles.section}>
          <h2>What it is</h2>
          <p>
            A unikernel treats the virtual machine as a compiler target: your application and only
            the operating-system pieces it needs are linked into one image that boots straight on
            the hypervisor, with no general-purpose OS, no processes and no shell. MirageOS did it
            in OCaml; in Kindling you do it in TypeScript, with type-checked kernel code, an
            async/await event loop, and the same modules tested in Node at full speed before they
            boot on bare virtual metal.
          </p>
          <p>
            Every code listing in the chapters is pulled from the kernel's real source files, so
            what you read is what boots.
          </p>
        </section>
        <section className={styles.section}>
          <h2>Start in two commands</h2>
          <CodeBlock language="bash">
            {'git clone https://github.com/kindling-os/kindling && cd kindling\n' +
              'npm run up     # set up, build and boot the finished unikernel\n' +
              'npm test       # run every test: unit, QEMU boots and this site'}
          </CodeBlock>
        </section>
        <section className={styles.section}>
          <h2>The course</h2>
          <ol className={styles.chapters}>
            {chapters.map(([slug, no, name, what]) => (
              <li key={slug}>
                <Link to={`/chapters/${slug}`}>
                  <span className={styles.number}>{no}</span> {name}
                </Link>
                <span className={styles.what}>{what}</span>
              </li>
            ))}
          </ol>
          <p>
            Teaching a class? Read the <Link to="/chapters/instructor-guide">instructor guide</Link>
            .
          </p>
        </section>
      </main>
    </Layout>
  );
}
