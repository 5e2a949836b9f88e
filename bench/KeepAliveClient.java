import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One blocking HTTP/1.1 keep-alive connection, owned by one load thread: a request written in one
 * go, its answer read to the end (Content-Length or chunked), the body discarded. A load generator
 * sharing the machine with the server should spend as little of it as it can; java.net.http's
 * client costs several times more CPU per request than this, all of it taken from the server.
 */
final class KeepAliveClient implements AutoCloseable {
  private final String host;
  private final int port;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private final byte[] skip = new byte[16 * 1024];

  KeepAliveClient(String base) {
    URI uri = URI.create(base);
    this.host = uri.getHost();
    this.port = uri.getPort();
  }

  /** Sends a request and answers its status; reconnects once if the server had closed the connection. */
  int send(String method, String path, String token, String jsonBody) throws IOException {
    byte[] request = encode(method, path, token, jsonBody);
    if (socket == null) {
      connect();
    }
    try {
      return exchange(request);
    } catch (IOException closedMeanwhile) {
      close();
      connect();
      return exchange(request);
    }
  }

  private byte[] encode(String method, String path, String token, String jsonBody) {
    StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append(':').append(port).append("\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
    if (jsonBody != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  private int exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed");
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean closes = false;
    for (String header = line(); header != null && !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("connection")) {
        closes = value.equalsIgnoreCase("close");
      }
    }
    if (chunked) {
      for (long chunk = Long.parseLong(line().split(";")[0].trim(), 16); chunk > 0;
          chunk = Long.parseLong(line().split(";")[0].trim(), 16)) {
        discard(chunk);
        line();
      }
      line();
    } else if (length > 0) {
      discard(length);
    }
    if (closes) {
      close();
    }
    return status;
  }

  private void discard(long bytes) throws IOException {
    while (bytes > 0) {
      int read = in.read(skip, 0, (int) Math.min(skip.length, bytes));
      if (read < 0) {
        throw new IOException("connection closed in the middle of a body");
      }
      bytes -= read;
    }
  }

  /** One header line without its CRLF, or null at the end of the stream. */
  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      line.append((char) b);
    }
    return line.length() == 0 ? null : line.toString();
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 10_000);
    socket.setSoTimeout(60_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
  }

  @Override
  public void close() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    } finally {
      socket = null;
    }
  }
}
