import { Public } from '@ecom/auth';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { TokenIssuer } from './token-issuer';

/** The public key other services (and anyone) verify members tokens with. */
@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthKeysController {
  constructor(private readonly issuer: TokenIssuer) {}

  @Get('jwks')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'JSON Web Key Set with the ES256 public key (kid = RFC 7638 thumbprint)' })
  @ApiOkResponse({
    schema: {
      example: { keys: [{ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: '…', alg: 'ES256', use: 'sig' }] },
    },
  })
  jwks() {
    return { keys: [this.issuer.jwk] };
  }

  @Get('public-key')
  @Header('Content-Type', 'application/x-pem-file')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiProduces('application/x-pem-file')
  @ApiOperation({
    summary: 'The ES256 public key as SPKI PEM: set it as JWT_PUBLIC_KEY of the other services',
  })
  publicKey(): string {
    return this.issuer.publicKeyPem;
  }
}
