package dev.ratatouille.suites;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * A FileIO over the local file system with java.nio, for {@code file:} locations and plain paths. The suites write
 * manifests and manifest lists into the server's local warehouse through it; Iceberg's own local FileIO needs Hadoop.
 */
public class LocalFileIO implements FileIO {
  static Path toPath(String location) {
    return location.startsWith("file:") ? Paths.get(URI.create(location)) : Paths.get(location);
  }

  @Override
  public InputFile newInputFile(String location) {
    return new Input(location);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return new Output(location);
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(toPath(location));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Input implements InputFile {
    private final String location;

    Input(String location) {
      this.location = location;
    }

    @Override
    public long getLength() {
      try {
        return Files.size(toPath(location));
      } catch (NoSuchFileException e) {
        throw new NotFoundException(e, "File does not exist: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public SeekableInputStream newStream() {
      try {
        return new Seekable(new RandomAccessFile(toPath(location).toFile(), "r"));
      } catch (java.io.FileNotFoundException e) {
        throw new NotFoundException(e, "Failed to open input stream for file: %s", location);
      }
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public boolean exists() {
      return Files.exists(toPath(location));
    }
  }

  private static final class Seekable extends SeekableInputStream {
    private final RandomAccessFile file;

    Seekable(RandomAccessFile file) {
      this.file = file;
    }

    @Override
    public long getPos() throws IOException {
      return file.getFilePointer();
    }

    @Override
    public void seek(long newPos) throws IOException {
      file.seek(newPos);
    }

    @Override
    public int read() throws IOException {
      return file.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return file.read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  private static final class Output implements OutputFile {
    private final String location;

    Output(String location) {
      this.location = location;
    }

    private PositionOutputStream open(StandardOpenOption... options) {
      Path path = toPath(location);
      try {
        if (path.getParent() != null) Files.createDirectories(path.getParent());
        return new Positioned(Files.newOutputStream(path, options));
      } catch (FileAlreadyExistsException e) {
        throw new AlreadyExistsException(e, "File already exists: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public PositionOutputStream create() {
      return open(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return open(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public InputFile toInputFile() {
      return new Input(location);
    }
  }

  private static final class Positioned extends PositionOutputStream {
    private final OutputStream out;
    private long pos = 0;

    Positioned(OutputStream out) {
      this.out = new BufferedOutputStream(out);
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      pos += 1;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      pos += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
