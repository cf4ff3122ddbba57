import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../src/modules/audit/manifest-signer.ts';
import {
  recordHash,
  signRecord,
  verifyRecordSignature,
} from '../src/modules/signatures/signature-manifest.ts';

const key = generateSigningKey();
const sample = { id: 'S-001', status: 'in_storage', quantity: { value: 5, unit: 'mL' } };

function signed(record: object) {
  return signRecord(key.privateKeyPem, {
    signer_id: '6f1c1a4e-2a51-4c5e-9d3c-6a0b6c9f6d11',
    printed_name: 'Rosalind Franklin',
    meaning: 'approved',
    signed_at: '2026-11-26T10:00:00+00:00',
    record_type: 'sample',
    record_id: 'S-001',
    record_hash: recordHash(record),
    reason: 'QC passed',
  });
}

describe('electronic signature manifests', () => {
  it('hash records canonically: key order does not matter, content does', () => {
    expect(recordHash({ quantity: { unit: 'mL', value: 5 }, status: 'in_storage', id: 'S-001' })).toBe(
      recordHash(sample),
    );
    expect(recordHash({ ...sample, status: 'consumed' })).not.toBe(recordHash(sample));
  });

  it('verify while the record is unchanged, and report an edit made after signing', () => {
    const signature = signed(sample);
    expect(signature.manifest.signed_at).toBe('2026-11-26T10:00:00.000Z');
    expect(verifyRecordSignature(signature, sample, [key.publicKeyPem])).toEqual({
      signature_valid: true,
      record_unchanged: true,
    });
    expect(verifyRecordSignature(signature, { ...sample, status: 'consumed' }, [key.publicKeyPem])).toEqual({
      signature_valid: true,
      record_unchanged: false,
    });
  });

  it('refuse a manifest altered after signing (printed name, meaning, time) and unknown keys', () => {
    const signature = signed(sample);
    for (const forged of [
      { ...signature.manifest, printed_name: 'Someone Else' },
      { ...signature.manifest, meaning: 'released' as const },
      { ...signature.manifest, signed_at: '2026-11-27T10:00:00.000Z' },
    ]) {
      expect(
        verifyRecordSignature({ ...signature, manifest: forged }, sample, [key.publicKeyPem]).signature_valid,
      ).toBe(false);
    }
    expect(
      verifyRecordSignature(signature, sample, [generateSigningKey().publicKeyPem]).signature_valid,
    ).toBe(false);
  });
});
