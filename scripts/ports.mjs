// A loopback port with nothing listening on it, for servers the tests and scripts start.
import net from 'node:net'

/** A loopback port that was free a moment ago (nothing listens on it). */
export async function freePort() {
  const server = net.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}
