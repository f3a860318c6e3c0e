// A server that does not answer: it accepts TCP connections on a loopback port and never says a word, as a hung
// broker or a process squatting on the port would. Connections are held open until the server is closed.
import net from 'node:net';

export interface SilentServer {
  readonly address: string;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    // Clients give up on it abruptly; that is the point.
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  // Port 0: the system picks a free one, so no fixed port can clash with another run.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
