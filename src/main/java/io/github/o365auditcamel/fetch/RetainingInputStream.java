package io.github.o365auditcamel.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A blob's body that keeps the bytes of the record being read, so that they can be cut out once the parser has found
 * the record's end, and nothing else: between records only the parser's possible read-ahead is kept, whatever the
 * blob puts there. Memory stays bounded whatever the blob says:
 * <ul>
 * <li>a record longer than {@code maxRecordBytes} is measured, not kept ({@link #endRecord} answers null);</li>
 * <li>more than {@code maxGapBytes} between two records (a blob padded with blanks, which gzip shrinks a
 * thousandfold) is refused as malformed content, and so is a body longer than {@code maxBlobBytes}.</li>
 * </ul>
 */
final class RetainingInputStream extends FilterInputStream {

    /** What the parser may have read past a record's opening brace when it reports it: Jackson reads 8,000 at most. */
    private static final int READ_AHEAD = 64 * 1024;

    private final long maxRecordBytes;
    private final long maxGapBytes;
    private final long maxBlobBytes;
    private final byte[] oneByte = new byte[1];
    private byte[] kept = new byte[16 * 1024];
    // stream offset of kept[0], how many bytes kept holds, and how many were read in all
    private long keptFrom;
    private int keptLength;
    private long position;
    private boolean inRecord;
    private boolean overflowed;
    private long lastRecordEnd;

    RetainingInputStream(InputStream in, long maxRecordBytes, long maxGapBytes, long maxBlobBytes) {
        super(in);
        this.maxRecordBytes = maxRecordBytes;
        this.maxGapBytes = maxGapBytes;
        this.maxBlobBytes = maxBlobBytes;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            oneByte[0] = (byte) b;
            keep(oneByte, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            keep(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // every byte must pass through read, to be kept
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        int read = read(scratch, 0, scratch.length);
        return Math.max(read, 0);
    }

    /** A record starts at this stream offset: keep everything from there on. */
    void startRecord(long start) {
        discardBefore(start);
        inRecord = true;
        overflowed = false;
    }

    /**
     * The record that started at {@code start} ends at {@code end} (exclusive): its bytes, or null when it was longer
     * than {@code maxRecordBytes} and not kept.
     */
    byte[] endRecord(long start, long end) {
        inRecord = false;
        lastRecordEnd = end;
        if (overflowed || end - start > maxRecordBytes) {
            return null;
        }
        int from = (int) (start - keptFrom);
        int to = (int) (end - keptFrom);
        if (from < 0 || to > keptLength || from > to) {
            throw new IllegalStateException("record bytes " + start + ".." + end + " not kept (kept "
                    + keptFrom + ".." + (keptFrom + keptLength) + ")");
        }
        return Arrays.copyOfRange(kept, from, to);
    }

    private void keep(byte[] buffer, int offset, int length) {
        position += length;
        if (position > maxBlobBytes) {
            throw new BlobFormatException("blob is larger than " + maxBlobBytes + " bytes after decompression"
                    + " (O365_MAX_BLOB_BYTES)");
        }
        if (!inRecord && position - lastRecordEnd > maxGapBytes + READ_AHEAD) {
            throw new BlobFormatException("blob has more than " + maxGapBytes + " bytes between two records");
        }
        if (inRecord && !overflowed && keptLength + length > maxRecordBytes + READ_AHEAD) {
            // too long to be published: only measured from here on
            overflowed = true;
        }
        if (keptLength + length > kept.length) {
            kept = Arrays.copyOf(kept, Math.max(kept.length * 2, keptLength + length));
        }
        System.arraycopy(buffer, offset, kept, keptLength, length);
        keptLength += length;
        if ((!inRecord || overflowed) && keptLength > 2 * READ_AHEAD) {
            // outside a record kept (between records, or one too long): the parser's read-ahead is enough
            discardBefore(keptFrom + keptLength - READ_AHEAD);
        }
    }

    /** Forgets what was read before the offset. */
    private void discardBefore(long offset) {
        int drop = (int) Math.min(Math.max(offset - keptFrom, 0), keptLength);
        if (drop > 0) {
            System.arraycopy(kept, drop, kept, 0, keptLength - drop);
            keptLength -= drop;
            keptFrom += drop;
        }
        if (kept.length > 4 * READ_AHEAD && keptLength < READ_AHEAD) {
            // a long record passed: give its room back
            kept = Arrays.copyOf(kept, 2 * READ_AHEAD);
        }
    }
}
