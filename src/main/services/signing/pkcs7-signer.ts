/**
 * The @signpdf Signer for an identity Flightdeck keeps as PEM (the local
 * certificate or an imported PKCS#12 file, already unpacked): a detached
 * PKCS#7 SignedData over the PDF's byte range, written by node-forge, with
 * the whole chain embedded so a reader can follow it to the issuer. The
 * stock P12Signer would need the identity packed back into a PKCS#12 file
 * first.
 */
import { Signer } from '@signpdf/signpdf';
import forge from 'node-forge';
import type { PdfSigningIdentity } from './signing-identity';

export class IdentitySigner extends Signer {
  constructor(private readonly identity: PdfSigningIdentity) {
    super();
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const key = forge.pki.privateKeyFromPem(this.identity.keyPem);
    const chain = this.identity.chainPem.map((pem) => forge.pki.certificateFromPem(pem));
    const [certificate] = chain;
    if (!certificate) throw new Error('The signing identity has no certificate.');
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const cert of chain) p7.addCertificate(cert);
    p7.addSigner({
      key,
      certificate,
      digestAlgorithm: forge.pki.oids.sha256 as string,
      // The order readers validate against: contentType, signingTime, messageDigest.
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType as string, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime as string, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest as string },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}
