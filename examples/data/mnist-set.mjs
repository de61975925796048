// An MNIST image/label pair checked for the structure the lesson relies on: ubyte images
// of shape [n, rows, cols] and ubyte labels of shape [n]. No Node APIs (the browser uses it).
import { IdxFormatError, parseIdx } from './idx.mjs';

/** The standard file names of the MNIST test set, which plays the lesson's validation set. */
export const MNIST_TEST_FILES = {
  images: 't10k-images-idx3-ubyte',
  labels: 't10k-labels-idx1-ubyte',
};

/**
 * Parses an images file and a labels file into one set.
 * @param {Uint8Array} imageBytes decompressed IDX bytes
 * @param {Uint8Array} labelBytes decompressed IDX bytes
 * @param {{ images: string, labels: string }} names for error messages
 * @returns {{ images: Uint8Array, labels: Uint8Array, count: number, rows: number, cols: number }}
 */
export function mnistFromIdx(imageBytes, labelBytes, names) {
  const images = parseIdx(imageBytes, names.images);
  const labels = parseIdx(labelBytes, names.labels);
  if (images.type !== 'ubyte' || images.shape.length !== 3)
    throw new IdxFormatError(
      `${names.images}: expected ubyte images of shape [n, rows, cols], found ${images.type} of shape [${images.shape.join(', ')}]`,
    );
  if (labels.type !== 'ubyte' || labels.shape.length !== 1)
    throw new IdxFormatError(
      `${names.labels}: expected ubyte labels of shape [n], found ${labels.type} of shape [${labels.shape.join(', ')}]`,
    );
  const [count, rows, cols] = images.shape;
  if (labels.shape[0] !== count)
    throw new IdxFormatError(
      `${names.labels}: ${labels.shape[0]} labels for ${count} images in ${names.images}`,
    );
  // Both are ubyte (checked above), so their data are Uint8Arrays.
  const pixels = /** @type {Uint8Array} */ (images.data);
  const digits = /** @type {Uint8Array} */ (labels.data);
  return { images: pixels, labels: digits, count, rows, cols };
}
