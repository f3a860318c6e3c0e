// Colour in npm start: on a terminal a differing row cannot pass for a matching one; in a pipe (what tests and
// scripts read) it is plain text, unless FORCE_COLOR asks otherwise.
import assert from 'node:assert/strict';
import { paintFor } from '../../cli/colour';
import { loadOutputSettings } from '../../config';
import { runScript } from '../../model/script-process';
import { uniqueScope } from '../support/test-config';

const ESCAPE = '\u001b[';

describe('Colour of the comparison', function () {
  this.timeout(300_000);

  describe('when stdout is a terminal', () => {
    it('should paint a match and a difference differently', () => {
      const paint = paintFor(loadOutputSettings({}), { isTTY: true });
      assert.ok(paint.good('same').includes(ESCAPE));
      assert.ok(paint.bad('DIFFERENT').includes(ESCAPE));
      assert.notEqual(paint.good('x').replace('x', ''), paint.bad('x').replace('x', ''));
    });

    it('should paint nothing with NO_COLOR set', () => {
      const paint = paintFor(loadOutputSettings({ NO_COLOR: '1' }), { isTTY: true });
      assert.equal(paint.good('same'), 'same');
      assert.equal(paint.bad('DIFFERENT'), 'DIFFERENT');
    });
  });

  describe('when stdout is a pipe', () => {
    it('should be plain text', () => {
      assert.equal(paintFor(loadOutputSettings({}), { isTTY: false }).bad('DIFFERENT'), 'DIFFERENT');
    });

    it('should be painted with FORCE_COLOR set', () => {
      assert.ok(
        paintFor(loadOutputSettings({ FORCE_COLOR: '1' }), { isTTY: false })
          .good('same')
          .includes(ESCAPE),
      );
    });
  });

  describe('when npm start runs with FORCE_COLOR=1, and without it', () => {
    it('should colour "same" and the verdict only when asked to', async () => {
      const scope = uniqueScope('colour');
      const coloured = await runScript('start', [], { RETURNS_SCOPE: scope, FORCE_COLOR: '1' });
      assert.equal(coloured.code, 0, coloured.stderr);
      assert.match(coloured.stdout, /\u001b\[32msame\u001b\[39m/);
      assert.match(coloured.stdout, /\u001b\[32mIdentical in both models/);

      const plain = await runScript('start', [], { RETURNS_SCOPE: scope, FORCE_COLOR: undefined, NO_COLOR: undefined });
      assert.equal(plain.code, 0, plain.stderr);
      assert.ok(!plain.stdout.includes(ESCAPE), 'no escape codes in a pipe');
      assert.match(plain.stdout, /^Identical in both models: 6 of 6 outcomes/m);
    });
  });
});
