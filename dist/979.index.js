export const id = 979;
export const ids = [979];
export const modules = {

/***/ 4979:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
const openapi_core_1 = __importDefault(__webpack_require__(69764));
const openapi_core_2 = __webpack_require__(69764);
const $_model = __importStar(__webpack_require__(23148));
__exportStar(__webpack_require__(23148), exports);
class Client extends openapi_core_1.default {
    constructor(config) {
        super(config);
        this._endpointRule = "regional";
        this._endpointMap = {
            'ap-northeast-2-pop': "sts.aliyuncs.com",
            'ap-south-1': "sts.aliyuncs.com",
            'ap-southeast-2': "sts.aliyuncs.com",
            'cn-beijing-finance-pop': "sts.aliyuncs.com",
            'cn-beijing-gov-1': "sts.aliyuncs.com",
            'cn-beijing-nu16-b01': "sts.aliyuncs.com",
            'cn-edge-1': "sts.aliyuncs.com",
            'cn-fujian': "sts.aliyuncs.com",
            'cn-haidian-cm12-c01': "sts.aliyuncs.com",
            'cn-hangzhou-bj-b01': "sts.aliyuncs.com",
            'cn-hangzhou-internal-prod-1': "sts.aliyuncs.com",
            'cn-hangzhou-internal-test-1': "sts.aliyuncs.com",
            'cn-hangzhou-internal-test-2': "sts.aliyuncs.com",
            'cn-hangzhou-internal-test-3': "sts.aliyuncs.com",
            'cn-hangzhou-test-306': "sts.aliyuncs.com",
            'cn-hongkong-finance-pop': "sts.aliyuncs.com",
            'cn-huhehaote-nebula-1': "sts.aliyuncs.com",
            'cn-shanghai-et15-b01': "sts.aliyuncs.com",
            'cn-shanghai-et2-b01': "sts.aliyuncs.com",
            'cn-shanghai-inner': "sts.aliyuncs.com",
            'cn-shanghai-internal-test-1': "sts.aliyuncs.com",
            'cn-shenzhen-inner': "sts.aliyuncs.com",
            'cn-shenzhen-st4-d01': "sts.aliyuncs.com",
            'cn-shenzhen-su18-b01': "sts.aliyuncs.com",
            'cn-wuhan': "sts.aliyuncs.com",
            'cn-yushanfang': "sts.aliyuncs.com",
            'cn-zhangbei': "sts.aliyuncs.com",
            'cn-zhangbei-na61-b01': "sts.aliyuncs.com",
            'cn-zhangjiakou-na62-a01': "sts.aliyuncs.com",
            'cn-zhengzhou-nebula-1': "sts.aliyuncs.com",
            'eu-west-1-oxs': "sts.aliyuncs.com",
            'rus-west-1-pop': "sts.aliyuncs.com",
        };
        this.checkConfig(config);
        this._endpoint = this.getEndpoint("sts", this._regionId, this._endpointRule, this._network, this._suffix, this._endpointMap, this._endpoint);
    }
    getEndpoint(productId, regionId, endpointRule, network, suffix, endpointMap, endpoint) {
        if (!$dara.isNull(endpoint)) {
            return endpoint;
        }
        if (!$dara.isNull(endpointMap) && !$dara.isNull(endpointMap[regionId])) {
            return endpointMap[regionId];
        }
        return openapi_core_2.OpenApiUtil.getEndpointRules(productId, regionId, endpointRule, network, suffix);
    }
    /**
     * Obtains a Security Token Service (STS) token to assume a Resource Access Management (RAM) role.
     *
     * @remarks
     * ### Prerequisites
     * You cannot use an Alibaba Cloud account to call this operation. The requester of this operation can only be a RAM user or RAM role. Make sure that the AliyunSTSAssumeRoleAccess policy is attached to the requester. After this policy is attached to the requester, the requester has the management permissions on STS.
     * If you do not attach the AliyunSTSAssumeRoleAccess policy to the requester, the following error message is returned:
     * `You are not authorized to do this action. You should be authorized by RAM.`
     * You can refer to the following information to troubleshoot the error:
     * *   Cause of the error: The policy that is required to assume a RAM role is not attached to the requester. To resolve this issue, attach the AliyunSTSAssumeRoleAccess policy or a custom policy to the requester. For more information, see [Can I specify the RAM role that a RAM user can assume?](https://help.aliyun.com/document_detail/39744.html) and [Grant permissions to a RAM user](https://help.aliyun.com/document_detail/116146.html).
     * *   Cause of the error: The requester is not authorized to assume the RAM role. To resolve this issue, add the requester to the Principal element in the trust policy of the RAM role For more information, see [Edit the trust policy of a RAM role](https://help.aliyun.com/document_detail/116819.html).
     * ### Best practices
     * An STS token is valid for a period of time after it is issued, and the number of STS tokens that can be issued within an interval is also limited. Therefore, we recommend that you configure a proper validity period for an STS token and repeatedly use the token within this period. This prevents frequent issuing of STS tokens from adversely affecting your services if a large number of requests are sent. For more information about the limit, see [Is the number of STS API requests limited?](https://help.aliyun.com/document_detail/39744.html) You can configure the `DurationSeconds` parameter to specify a validity period for an STS token.
     * When you upload or download Object Storage Service (OSS) objects on mobile devices, a large number of STS API requests are sent. In this case, repeated use of an STS token may not meet your business requirements. To avoid the limit on STS API requests from affecting access to OSS, you can **add a signature to the URL of an OSS object**. For more information, see [Add signatures to URLs](https://help.aliyun.com/document_detail/31952.html) and [Obtain signature information from the server and upload data to OSS](https://help.aliyun.com/document_detail/31926.html).
     *
     * @param request - AssumeRoleRequest
     * @param runtime - runtime options for this request RuntimeOptions
     * @returns AssumeRoleResponse
     */
    async assumeRoleWithOptions(request, runtime) {
        request.validate();
        let query = {};
        if (!$dara.isNull(request.durationSeconds)) {
            query["DurationSeconds"] = request.durationSeconds;
        }
        if (!$dara.isNull(request.externalId)) {
            query["ExternalId"] = request.externalId;
        }
        if (!$dara.isNull(request.policy)) {
            query["Policy"] = request.policy;
        }
        if (!$dara.isNull(request.roleArn)) {
            query["RoleArn"] = request.roleArn;
        }
        if (!$dara.isNull(request.roleSessionName)) {
            query["RoleSessionName"] = request.roleSessionName;
        }
        if (!$dara.isNull(request.sourceIdentity)) {
            query["SourceIdentity"] = request.sourceIdentity;
        }
        let req = new openapi_core_2.$OpenApiUtil.OpenApiRequest({
            query: openapi_core_2.OpenApiUtil.query(query),
        });
        let params = new openapi_core_2.$OpenApiUtil.Params({
            action: "AssumeRole",
            version: "2015-04-01",
            protocol: "HTTPS",
            pathname: "/",
            method: "POST",
            authType: "AK",
            style: "RPC",
            reqBodyType: "formData",
            bodyType: "json",
        });
        return $dara.cast(await this.callApi(params, req, runtime), new $_model.AssumeRoleResponse({}));
    }
    /**
     * Obtains a Security Token Service (STS) token to assume a Resource Access Management (RAM) role.
     *
     * @remarks
     * ### Prerequisites
     * You cannot use an Alibaba Cloud account to call this operation. The requester of this operation can only be a RAM user or RAM role. Make sure that the AliyunSTSAssumeRoleAccess policy is attached to the requester. After this policy is attached to the requester, the requester has the management permissions on STS.
     * If you do not attach the AliyunSTSAssumeRoleAccess policy to the requester, the following error message is returned:
     * `You are not authorized to do this action. You should be authorized by RAM.`
     * You can refer to the following information to troubleshoot the error:
     * *   Cause of the error: The policy that is required to assume a RAM role is not attached to the requester. To resolve this issue, attach the AliyunSTSAssumeRoleAccess policy or a custom policy to the requester. For more information, see [Can I specify the RAM role that a RAM user can assume?](https://help.aliyun.com/document_detail/39744.html) and [Grant permissions to a RAM user](https://help.aliyun.com/document_detail/116146.html).
     * *   Cause of the error: The requester is not authorized to assume the RAM role. To resolve this issue, add the requester to the Principal element in the trust policy of the RAM role For more information, see [Edit the trust policy of a RAM role](https://help.aliyun.com/document_detail/116819.html).
     * ### Best practices
     * An STS token is valid for a period of time after it is issued, and the number of STS tokens that can be issued within an interval is also limited. Therefore, we recommend that you configure a proper validity period for an STS token and repeatedly use the token within this period. This prevents frequent issuing of STS tokens from adversely affecting your services if a large number of requests are sent. For more information about the limit, see [Is the number of STS API requests limited?](https://help.aliyun.com/document_detail/39744.html) You can configure the `DurationSeconds` parameter to specify a validity period for an STS token.
     * When you upload or download Object Storage Service (OSS) objects on mobile devices, a large number of STS API requests are sent. In this case, repeated use of an STS token may not meet your business requirements. To avoid the limit on STS API requests from affecting access to OSS, you can **add a signature to the URL of an OSS object**. For more information, see [Add signatures to URLs](https://help.aliyun.com/document_detail/31952.html) and [Obtain signature information from the server and upload data to OSS](https://help.aliyun.com/document_detail/31926.html).
     *
     * @param request - AssumeRoleRequest
     * @returns AssumeRoleResponse
     */
    async assumeRole(request) {
        let runtime = new $dara.RuntimeOptions({});
        return await this.assumeRoleWithOptions(request, runtime);
    }
    /**
     * Queries a Security Token Service (STS) token to assume a Resource Access Management (RAM) role during role-based single sign-on (SSO) by using OpenID Connect (OIDC).
     *
     * @remarks
     * ### Prerequisites
     * *   An OIDC token is obtained from an external identity provider (IdP).
     * *   An OIDC IdP is created in the RAM console. For more information, see [Create an OIDC IdP](https://help.aliyun.com/document_detail/327123.html) or [CreateOIDCProvider](https://help.aliyun.com/document_detail/327135.html).
     * *   A RAM role whose trusted entity is an OIDC IdP is created in the RAM console. For more information, see [Create a RAM role for a trusted IdP](https://help.aliyun.com/document_detail/116805.html) or [CreateRole](https://help.aliyun.com/document_detail/28710.html).
     *
     * @param request - AssumeRoleWithOIDCRequest
     * @param runtime - runtime options for this request RuntimeOptions
     * @returns AssumeRoleWithOIDCResponse
     */
    async assumeRoleWithOIDCWithOptions(request, runtime) {
        request.validate();
        let query = {};
        if (!$dara.isNull(request.durationSeconds)) {
            query["DurationSeconds"] = request.durationSeconds;
        }
        if (!$dara.isNull(request.OIDCProviderArn)) {
            query["OIDCProviderArn"] = request.OIDCProviderArn;
        }
        if (!$dara.isNull(request.OIDCToken)) {
            query["OIDCToken"] = request.OIDCToken;
        }
        if (!$dara.isNull(request.policy)) {
            query["Policy"] = request.policy;
        }
        if (!$dara.isNull(request.roleArn)) {
            query["RoleArn"] = request.roleArn;
        }
        if (!$dara.isNull(request.roleSessionName)) {
            query["RoleSessionName"] = request.roleSessionName;
        }
        let req = new openapi_core_2.$OpenApiUtil.OpenApiRequest({
            query: openapi_core_2.OpenApiUtil.query(query),
        });
        let params = new openapi_core_2.$OpenApiUtil.Params({
            action: "AssumeRoleWithOIDC",
            version: "2015-04-01",
            protocol: "HTTPS",
            pathname: "/",
            method: "POST",
            authType: "Anonymous",
            style: "RPC",
            reqBodyType: "formData",
            bodyType: "json",
        });
        return $dara.cast(await this.doRPCRequest(params.action, params.version, params.protocol, params.method, params.authType, params.bodyType, req, runtime), new $_model.AssumeRoleWithOIDCResponse({}));
    }
    /**
     * Queries a Security Token Service (STS) token to assume a Resource Access Management (RAM) role during role-based single sign-on (SSO) by using OpenID Connect (OIDC).
     *
     * @remarks
     * ### Prerequisites
     * *   An OIDC token is obtained from an external identity provider (IdP).
     * *   An OIDC IdP is created in the RAM console. For more information, see [Create an OIDC IdP](https://help.aliyun.com/document_detail/327123.html) or [CreateOIDCProvider](https://help.aliyun.com/document_detail/327135.html).
     * *   A RAM role whose trusted entity is an OIDC IdP is created in the RAM console. For more information, see [Create a RAM role for a trusted IdP](https://help.aliyun.com/document_detail/116805.html) or [CreateRole](https://help.aliyun.com/document_detail/28710.html).
     *
     * @param request - AssumeRoleWithOIDCRequest
     * @returns AssumeRoleWithOIDCResponse
     */
    async assumeRoleWithOIDC(request) {
        let runtime = new $dara.RuntimeOptions({});
        return await this.assumeRoleWithOIDCWithOptions(request, runtime);
    }
    /**
     * Obtains a Security Token Service (STS) token to assume a Resource Access Management (RAM) role during role-based single sign-on (SSO) by using Security Assertion Markup Language (SAML).
     *
     * @remarks
     * ###
     * *   A SAML response is obtained from an external identity provider (IdP).
     * *   A SAML IdP is created in the RAM console. For more information, see [Create a SAML IdP](https://help.aliyun.com/document_detail/116083.html) or [CreateSAMLProvider](https://help.aliyun.com/document_detail/186846.html).
     * *   A RAM role whose trusted entity is a SAML IdP is created in the RAM console. For more information, see [Create a RAM role for a trusted IdP](https://help.aliyun.com/document_detail/116805.html) or [CreateRole](https://help.aliyun.com/document_detail/28710.html).
     *
     * @param request - AssumeRoleWithSAMLRequest
     * @param runtime - runtime options for this request RuntimeOptions
     * @returns AssumeRoleWithSAMLResponse
     */
    async assumeRoleWithSAMLWithOptions(request, runtime) {
        request.validate();
        let query = {};
        if (!$dara.isNull(request.durationSeconds)) {
            query["DurationSeconds"] = request.durationSeconds;
        }
        if (!$dara.isNull(request.policy)) {
            query["Policy"] = request.policy;
        }
        if (!$dara.isNull(request.roleArn)) {
            query["RoleArn"] = request.roleArn;
        }
        if (!$dara.isNull(request.SAMLAssertion)) {
            query["SAMLAssertion"] = request.SAMLAssertion;
        }
        if (!$dara.isNull(request.SAMLProviderArn)) {
            query["SAMLProviderArn"] = request.SAMLProviderArn;
        }
        let req = new openapi_core_2.$OpenApiUtil.OpenApiRequest({
            query: openapi_core_2.OpenApiUtil.query(query),
        });
        let params = new openapi_core_2.$OpenApiUtil.Params({
            action: "AssumeRoleWithSAML",
            version: "2015-04-01",
            protocol: "HTTPS",
            pathname: "/",
            method: "POST",
            authType: "Anonymous",
            style: "RPC",
            reqBodyType: "formData",
            bodyType: "json",
        });
        return $dara.cast(await this.doRPCRequest(params.action, params.version, params.protocol, params.method, params.authType, params.bodyType, req, runtime), new $_model.AssumeRoleWithSAMLResponse({}));
    }
    /**
     * Obtains a Security Token Service (STS) token to assume a Resource Access Management (RAM) role during role-based single sign-on (SSO) by using Security Assertion Markup Language (SAML).
     *
     * @remarks
     * ###
     * *   A SAML response is obtained from an external identity provider (IdP).
     * *   A SAML IdP is created in the RAM console. For more information, see [Create a SAML IdP](https://help.aliyun.com/document_detail/116083.html) or [CreateSAMLProvider](https://help.aliyun.com/document_detail/186846.html).
     * *   A RAM role whose trusted entity is a SAML IdP is created in the RAM console. For more information, see [Create a RAM role for a trusted IdP](https://help.aliyun.com/document_detail/116805.html) or [CreateRole](https://help.aliyun.com/document_detail/28710.html).
     *
     * @param request - AssumeRoleWithSAMLRequest
     * @returns AssumeRoleWithSAMLResponse
     */
    async assumeRoleWithSAML(request) {
        let runtime = new $dara.RuntimeOptions({});
        return await this.assumeRoleWithSAMLWithOptions(request, runtime);
    }
    /**
     * The ID of the Alibaba Cloud account to which the current requester belongs.
     *
     * @param request - GetCallerIdentityRequest
     * @param runtime - runtime options for this request RuntimeOptions
     * @returns GetCallerIdentityResponse
     */
    async getCallerIdentityWithOptions(runtime) {
        let req = new openapi_core_2.$OpenApiUtil.OpenApiRequest({});
        let params = new openapi_core_2.$OpenApiUtil.Params({
            action: "GetCallerIdentity",
            version: "2015-04-01",
            protocol: "HTTPS",
            pathname: "/",
            method: "POST",
            authType: "AK",
            style: "RPC",
            reqBodyType: "formData",
            bodyType: "json",
        });
        return $dara.cast(await this.callApi(params, req, runtime), new $_model.GetCallerIdentityResponse({}));
    }
    /**
     * The ID of the Alibaba Cloud account to which the current requester belongs.
     * @returns GetCallerIdentityResponse
     */
    async getCallerIdentity() {
        let runtime = new $dara.RuntimeOptions({});
        return await this.getCallerIdentityWithOptions(runtime);
    }
}
exports["default"] = Client;
//# sourceMappingURL=client.js.map

/***/ }),

/***/ 96166:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleRequest = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
class AssumeRoleRequest extends $dara.Model {
    static names() {
        return {
            durationSeconds: 'DurationSeconds',
            externalId: 'ExternalId',
            policy: 'Policy',
            roleArn: 'RoleArn',
            roleSessionName: 'RoleSessionName',
            sourceIdentity: 'SourceIdentity',
        };
    }
    static types() {
        return {
            durationSeconds: 'number',
            externalId: 'string',
            policy: 'string',
            roleArn: 'string',
            roleSessionName: 'string',
            sourceIdentity: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleRequest = AssumeRoleRequest;
//# sourceMappingURL=AssumeRoleRequest.js.map

/***/ }),

/***/ 70088:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleResponse = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
const AssumeRoleResponseBody_1 = __webpack_require__(74912);
class AssumeRoleResponse extends $dara.Model {
    static names() {
        return {
            headers: 'headers',
            statusCode: 'statusCode',
            body: 'body',
        };
    }
    static types() {
        return {
            headers: { 'type': 'map', 'keyType': 'string', 'valueType': 'string' },
            statusCode: 'number',
            body: AssumeRoleResponseBody_1.AssumeRoleResponseBody,
        };
    }
    validate() {
        if (this.headers) {
            $dara.Model.validateMap(this.headers);
        }
        if (this.body && typeof this.body.validate === 'function') {
            this.body.validate();
        }
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleResponse = AssumeRoleResponse;
//# sourceMappingURL=AssumeRoleResponse.js.map

/***/ }),

/***/ 74912:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleResponseBody = exports.AssumeRoleResponseBodyCredentials = exports.AssumeRoleResponseBodyAssumedRoleUser = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
/**
 */
class AssumeRoleResponseBodyAssumedRoleUser extends $dara.Model {
    static names() {
        return {
            arn: 'Arn',
            assumedRoleId: 'AssumedRoleId',
        };
    }
    static types() {
        return {
            arn: 'string',
            assumedRoleId: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleResponseBodyAssumedRoleUser = AssumeRoleResponseBodyAssumedRoleUser;
class AssumeRoleResponseBodyCredentials extends $dara.Model {
    static names() {
        return {
            accessKeyId: 'AccessKeyId',
            accessKeySecret: 'AccessKeySecret',
            expiration: 'Expiration',
            securityToken: 'SecurityToken',
        };
    }
    static types() {
        return {
            accessKeyId: 'string',
            accessKeySecret: 'string',
            expiration: 'string',
            securityToken: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleResponseBodyCredentials = AssumeRoleResponseBodyCredentials;
class AssumeRoleResponseBody extends $dara.Model {
    static names() {
        return {
            assumedRoleUser: 'AssumedRoleUser',
            credentials: 'Credentials',
            requestId: 'RequestId',
            sourceIdentity: 'SourceIdentity',
        };
    }
    static types() {
        return {
            assumedRoleUser: AssumeRoleResponseBodyAssumedRoleUser,
            credentials: AssumeRoleResponseBodyCredentials,
            requestId: 'string',
            sourceIdentity: 'string',
        };
    }
    validate() {
        if (this.assumedRoleUser && typeof this.assumedRoleUser.validate === 'function') {
            this.assumedRoleUser.validate();
        }
        if (this.credentials && typeof this.credentials.validate === 'function') {
            this.credentials.validate();
        }
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleResponseBody = AssumeRoleResponseBody;
//# sourceMappingURL=AssumeRoleResponseBody.js.map

/***/ }),

/***/ 40101:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleWithOIDCRequest = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
class AssumeRoleWithOIDCRequest extends $dara.Model {
    static names() {
        return {
            durationSeconds: 'DurationSeconds',
            OIDCProviderArn: 'OIDCProviderArn',
            OIDCToken: 'OIDCToken',
            policy: 'Policy',
            roleArn: 'RoleArn',
            roleSessionName: 'RoleSessionName',
        };
    }
    static types() {
        return {
            durationSeconds: 'number',
            OIDCProviderArn: 'string',
            OIDCToken: 'string',
            policy: 'string',
            roleArn: 'string',
            roleSessionName: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithOIDCRequest = AssumeRoleWithOIDCRequest;
//# sourceMappingURL=AssumeRoleWithOidcrequest.js.map

/***/ }),

/***/ 87105:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleWithOIDCResponse = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
const AssumeRoleWithOidcresponseBody_1 = __webpack_require__(45133);
class AssumeRoleWithOIDCResponse extends $dara.Model {
    static names() {
        return {
            headers: 'headers',
            statusCode: 'statusCode',
            body: 'body',
        };
    }
    static types() {
        return {
            headers: { 'type': 'map', 'keyType': 'string', 'valueType': 'string' },
            statusCode: 'number',
            body: AssumeRoleWithOidcresponseBody_1.AssumeRoleWithOIDCResponseBody,
        };
    }
    validate() {
        if (this.headers) {
            $dara.Model.validateMap(this.headers);
        }
        if (this.body && typeof this.body.validate === 'function') {
            this.body.validate();
        }
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithOIDCResponse = AssumeRoleWithOIDCResponse;
//# sourceMappingURL=AssumeRoleWithOidcresponse.js.map

/***/ }),

/***/ 45133:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleWithOIDCResponseBody = exports.AssumeRoleWithOIDCResponseBodyOIDCTokenInfo = exports.AssumeRoleWithOIDCResponseBodyCredentials = exports.AssumeRoleWithOIDCResponseBodyAssumedRoleUser = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
class AssumeRoleWithOIDCResponseBodyAssumedRoleUser extends $dara.Model {
    static names() {
        return {
            arn: 'Arn',
            assumedRoleId: 'AssumedRoleId',
        };
    }
    static types() {
        return {
            arn: 'string',
            assumedRoleId: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithOIDCResponseBodyAssumedRoleUser = AssumeRoleWithOIDCResponseBodyAssumedRoleUser;
class AssumeRoleWithOIDCResponseBodyCredentials extends $dara.Model {
    static names() {
        return {
            accessKeyId: 'AccessKeyId',
            accessKeySecret: 'AccessKeySecret',
            expiration: 'Expiration',
            securityToken: 'SecurityToken',
        };
    }
    static types() {
        return {
            accessKeyId: 'string',
            accessKeySecret: 'string',
            expiration: 'string',
            securityToken: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithOIDCResponseBodyCredentials = AssumeRoleWithOIDCResponseBodyCredentials;
class AssumeRoleWithOIDCResponseBodyOIDCTokenInfo extends $dara.Model {
    static names() {
        return {
            clientIds: 'ClientIds',
            expirationTime: 'ExpirationTime',
            issuanceTime: 'IssuanceTime',
            issuer: 'Issuer',
            subject: 'Subject',
            verificationInfo: 'VerificationInfo',
        };
    }
    static types() {
        return {
            clientIds: 'string',
            expirationTime: 'string',
            issuanceTime: 'string',
            issuer: 'string',
            subject: 'string',
            verificationInfo: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithOIDCResponseBodyOIDCTokenInfo = AssumeRoleWithOIDCResponseBodyOIDCTokenInfo;
class AssumeRoleWithOIDCResponseBody extends $dara.Model {
    static names() {
        return {
            assumedRoleUser: 'AssumedRoleUser',
            credentials: 'Credentials',
            OIDCTokenInfo: 'OIDCTokenInfo',
            requestId: 'RequestId',
            sourceIdentity: 'SourceIdentity',
        };
    }
    static types() {
        return {
            assumedRoleUser: AssumeRoleWithOIDCResponseBodyAssumedRoleUser,
            credentials: AssumeRoleWithOIDCResponseBodyCredentials,
            OIDCTokenInfo: AssumeRoleWithOIDCResponseBodyOIDCTokenInfo,
            requestId: 'string',
            sourceIdentity: 'string',
        };
    }
    validate() {
        if (this.assumedRoleUser && typeof this.assumedRoleUser.validate === 'function') {
            this.assumedRoleUser.validate();
        }
        if (this.credentials && typeof this.credentials.validate === 'function') {
            this.credentials.validate();
        }
        if (this.OIDCTokenInfo && typeof this.OIDCTokenInfo.validate === 'function') {
            this.OIDCTokenInfo.validate();
        }
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithOIDCResponseBody = AssumeRoleWithOIDCResponseBody;
//# sourceMappingURL=AssumeRoleWithOidcresponseBody.js.map

/***/ }),

/***/ 99101:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleWithSAMLRequest = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
class AssumeRoleWithSAMLRequest extends $dara.Model {
    static names() {
        return {
            durationSeconds: 'DurationSeconds',
            policy: 'Policy',
            roleArn: 'RoleArn',
            SAMLAssertion: 'SAMLAssertion',
            SAMLProviderArn: 'SAMLProviderArn',
        };
    }
    static types() {
        return {
            durationSeconds: 'number',
            policy: 'string',
            roleArn: 'string',
            SAMLAssertion: 'string',
            SAMLProviderArn: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithSAMLRequest = AssumeRoleWithSAMLRequest;
//# sourceMappingURL=AssumeRoleWithSamlrequest.js.map

/***/ }),

/***/ 12969:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleWithSAMLResponse = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
const AssumeRoleWithSamlresponseBody_1 = __webpack_require__(97685);
class AssumeRoleWithSAMLResponse extends $dara.Model {
    static names() {
        return {
            headers: 'headers',
            statusCode: 'statusCode',
            body: 'body',
        };
    }
    static types() {
        return {
            headers: { 'type': 'map', 'keyType': 'string', 'valueType': 'string' },
            statusCode: 'number',
            body: AssumeRoleWithSamlresponseBody_1.AssumeRoleWithSAMLResponseBody,
        };
    }
    validate() {
        if (this.headers) {
            $dara.Model.validateMap(this.headers);
        }
        if (this.body && typeof this.body.validate === 'function') {
            this.body.validate();
        }
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithSAMLResponse = AssumeRoleWithSAMLResponse;
//# sourceMappingURL=AssumeRoleWithSamlresponse.js.map

/***/ }),

/***/ 97685:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.AssumeRoleWithSAMLResponseBody = exports.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo = exports.AssumeRoleWithSAMLResponseBodyCredentials = exports.AssumeRoleWithSAMLResponseBodyAssumedRoleUser = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
class AssumeRoleWithSAMLResponseBodyAssumedRoleUser extends $dara.Model {
    static names() {
        return {
            arn: 'Arn',
            assumedRoleId: 'AssumedRoleId',
        };
    }
    static types() {
        return {
            arn: 'string',
            assumedRoleId: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithSAMLResponseBodyAssumedRoleUser = AssumeRoleWithSAMLResponseBodyAssumedRoleUser;
class AssumeRoleWithSAMLResponseBodyCredentials extends $dara.Model {
    static names() {
        return {
            accessKeyId: 'AccessKeyId',
            accessKeySecret: 'AccessKeySecret',
            expiration: 'Expiration',
            securityToken: 'SecurityToken',
        };
    }
    static types() {
        return {
            accessKeyId: 'string',
            accessKeySecret: 'string',
            expiration: 'string',
            securityToken: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithSAMLResponseBodyCredentials = AssumeRoleWithSAMLResponseBodyCredentials;
class AssumeRoleWithSAMLResponseBodySAMLAssertionInfo extends $dara.Model {
    static names() {
        return {
            issuer: 'Issuer',
            recipient: 'Recipient',
            subject: 'Subject',
            subjectType: 'SubjectType',
        };
    }
    static types() {
        return {
            issuer: 'string',
            recipient: 'string',
            subject: 'string',
            subjectType: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo = AssumeRoleWithSAMLResponseBodySAMLAssertionInfo;
class AssumeRoleWithSAMLResponseBody extends $dara.Model {
    static names() {
        return {
            assumedRoleUser: 'AssumedRoleUser',
            credentials: 'Credentials',
            requestId: 'RequestId',
            SAMLAssertionInfo: 'SAMLAssertionInfo',
            sourceIdentity: 'SourceIdentity',
        };
    }
    static types() {
        return {
            assumedRoleUser: AssumeRoleWithSAMLResponseBodyAssumedRoleUser,
            credentials: AssumeRoleWithSAMLResponseBodyCredentials,
            requestId: 'string',
            SAMLAssertionInfo: AssumeRoleWithSAMLResponseBodySAMLAssertionInfo,
            sourceIdentity: 'string',
        };
    }
    validate() {
        if (this.assumedRoleUser && typeof this.assumedRoleUser.validate === 'function') {
            this.assumedRoleUser.validate();
        }
        if (this.credentials && typeof this.credentials.validate === 'function') {
            this.credentials.validate();
        }
        if (this.SAMLAssertionInfo && typeof this.SAMLAssertionInfo.validate === 'function') {
            this.SAMLAssertionInfo.validate();
        }
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.AssumeRoleWithSAMLResponseBody = AssumeRoleWithSAMLResponseBody;
//# sourceMappingURL=AssumeRoleWithSamlresponseBody.js.map

/***/ }),

/***/ 64071:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.GetCallerIdentityResponse = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
const GetCallerIdentityResponseBody_1 = __webpack_require__(88843);
class GetCallerIdentityResponse extends $dara.Model {
    static names() {
        return {
            headers: 'headers',
            statusCode: 'statusCode',
            body: 'body',
        };
    }
    static types() {
        return {
            headers: { 'type': 'map', 'keyType': 'string', 'valueType': 'string' },
            statusCode: 'number',
            body: GetCallerIdentityResponseBody_1.GetCallerIdentityResponseBody,
        };
    }
    validate() {
        if (this.headers) {
            $dara.Model.validateMap(this.headers);
        }
        if (this.body && typeof this.body.validate === 'function') {
            this.body.validate();
        }
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.GetCallerIdentityResponse = GetCallerIdentityResponse;
//# sourceMappingURL=GetCallerIdentityResponse.js.map

/***/ }),

/***/ 88843:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.GetCallerIdentityResponseBody = void 0;
// This file is auto-generated, don't edit it
const $dara = __importStar(__webpack_require__(85783));
class GetCallerIdentityResponseBody extends $dara.Model {
    static names() {
        return {
            accountId: 'AccountId',
            arn: 'Arn',
            identityType: 'IdentityType',
            principalId: 'PrincipalId',
            requestId: 'RequestId',
            roleId: 'RoleId',
            userId: 'UserId',
        };
    }
    static types() {
        return {
            accountId: 'string',
            arn: 'string',
            identityType: 'string',
            principalId: 'string',
            requestId: 'string',
            roleId: 'string',
            userId: 'string',
        };
    }
    validate() {
        super.validate();
    }
    constructor(map) {
        super(map);
    }
}
exports.GetCallerIdentityResponseBody = GetCallerIdentityResponseBody;
//# sourceMappingURL=GetCallerIdentityResponseBody.js.map

/***/ }),

/***/ 23148:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.GetCallerIdentityResponse = exports.GetCallerIdentityResponseBody = exports.AssumeRoleWithSAMLResponse = exports.AssumeRoleWithSAMLResponseBody = exports.AssumeRoleWithSAMLRequest = exports.AssumeRoleWithOIDCResponse = exports.AssumeRoleWithOIDCResponseBody = exports.AssumeRoleWithOIDCRequest = exports.AssumeRoleResponse = exports.AssumeRoleResponseBody = exports.AssumeRoleRequest = exports.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo = exports.AssumeRoleWithSAMLResponseBodyCredentials = exports.AssumeRoleWithSAMLResponseBodyAssumedRoleUser = exports.AssumeRoleWithOIDCResponseBodyOIDCTokenInfo = exports.AssumeRoleWithOIDCResponseBodyCredentials = exports.AssumeRoleWithOIDCResponseBodyAssumedRoleUser = exports.AssumeRoleResponseBodyCredentials = exports.AssumeRoleResponseBodyAssumedRoleUser = void 0;
var AssumeRoleResponseBody_1 = __webpack_require__(74912);
Object.defineProperty(exports, "AssumeRoleResponseBodyAssumedRoleUser", ({ enumerable: true, get: function () { return AssumeRoleResponseBody_1.AssumeRoleResponseBodyAssumedRoleUser; } }));
var AssumeRoleResponseBody_2 = __webpack_require__(74912);
Object.defineProperty(exports, "AssumeRoleResponseBodyCredentials", ({ enumerable: true, get: function () { return AssumeRoleResponseBody_2.AssumeRoleResponseBodyCredentials; } }));
var AssumeRoleWithOidcresponseBody_1 = __webpack_require__(45133);
Object.defineProperty(exports, "AssumeRoleWithOIDCResponseBodyAssumedRoleUser", ({ enumerable: true, get: function () { return AssumeRoleWithOidcresponseBody_1.AssumeRoleWithOIDCResponseBodyAssumedRoleUser; } }));
var AssumeRoleWithOidcresponseBody_2 = __webpack_require__(45133);
Object.defineProperty(exports, "AssumeRoleWithOIDCResponseBodyCredentials", ({ enumerable: true, get: function () { return AssumeRoleWithOidcresponseBody_2.AssumeRoleWithOIDCResponseBodyCredentials; } }));
var AssumeRoleWithOidcresponseBody_3 = __webpack_require__(45133);
Object.defineProperty(exports, "AssumeRoleWithOIDCResponseBodyOIDCTokenInfo", ({ enumerable: true, get: function () { return AssumeRoleWithOidcresponseBody_3.AssumeRoleWithOIDCResponseBodyOIDCTokenInfo; } }));
var AssumeRoleWithSamlresponseBody_1 = __webpack_require__(97685);
Object.defineProperty(exports, "AssumeRoleWithSAMLResponseBodyAssumedRoleUser", ({ enumerable: true, get: function () { return AssumeRoleWithSamlresponseBody_1.AssumeRoleWithSAMLResponseBodyAssumedRoleUser; } }));
var AssumeRoleWithSamlresponseBody_2 = __webpack_require__(97685);
Object.defineProperty(exports, "AssumeRoleWithSAMLResponseBodyCredentials", ({ enumerable: true, get: function () { return AssumeRoleWithSamlresponseBody_2.AssumeRoleWithSAMLResponseBodyCredentials; } }));
var AssumeRoleWithSamlresponseBody_3 = __webpack_require__(97685);
Object.defineProperty(exports, "AssumeRoleWithSAMLResponseBodySAMLAssertionInfo", ({ enumerable: true, get: function () { return AssumeRoleWithSamlresponseBody_3.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo; } }));
var AssumeRoleRequest_1 = __webpack_require__(96166);
Object.defineProperty(exports, "AssumeRoleRequest", ({ enumerable: true, get: function () { return AssumeRoleRequest_1.AssumeRoleRequest; } }));
var AssumeRoleResponseBody_3 = __webpack_require__(74912);
Object.defineProperty(exports, "AssumeRoleResponseBody", ({ enumerable: true, get: function () { return AssumeRoleResponseBody_3.AssumeRoleResponseBody; } }));
var AssumeRoleResponse_1 = __webpack_require__(70088);
Object.defineProperty(exports, "AssumeRoleResponse", ({ enumerable: true, get: function () { return AssumeRoleResponse_1.AssumeRoleResponse; } }));
var AssumeRoleWithOidcrequest_1 = __webpack_require__(40101);
Object.defineProperty(exports, "AssumeRoleWithOIDCRequest", ({ enumerable: true, get: function () { return AssumeRoleWithOidcrequest_1.AssumeRoleWithOIDCRequest; } }));
var AssumeRoleWithOidcresponseBody_4 = __webpack_require__(45133);
Object.defineProperty(exports, "AssumeRoleWithOIDCResponseBody", ({ enumerable: true, get: function () { return AssumeRoleWithOidcresponseBody_4.AssumeRoleWithOIDCResponseBody; } }));
var AssumeRoleWithOidcresponse_1 = __webpack_require__(87105);
Object.defineProperty(exports, "AssumeRoleWithOIDCResponse", ({ enumerable: true, get: function () { return AssumeRoleWithOidcresponse_1.AssumeRoleWithOIDCResponse; } }));
var AssumeRoleWithSamlrequest_1 = __webpack_require__(99101);
Object.defineProperty(exports, "AssumeRoleWithSAMLRequest", ({ enumerable: true, get: function () { return AssumeRoleWithSamlrequest_1.AssumeRoleWithSAMLRequest; } }));
var AssumeRoleWithSamlresponseBody_4 = __webpack_require__(97685);
Object.defineProperty(exports, "AssumeRoleWithSAMLResponseBody", ({ enumerable: true, get: function () { return AssumeRoleWithSamlresponseBody_4.AssumeRoleWithSAMLResponseBody; } }));
var AssumeRoleWithSamlresponse_1 = __webpack_require__(12969);
Object.defineProperty(exports, "AssumeRoleWithSAMLResponse", ({ enumerable: true, get: function () { return AssumeRoleWithSamlresponse_1.AssumeRoleWithSAMLResponse; } }));
var GetCallerIdentityResponseBody_1 = __webpack_require__(88843);
Object.defineProperty(exports, "GetCallerIdentityResponseBody", ({ enumerable: true, get: function () { return GetCallerIdentityResponseBody_1.GetCallerIdentityResponseBody; } }));
var GetCallerIdentityResponse_1 = __webpack_require__(64071);
Object.defineProperty(exports, "GetCallerIdentityResponse", ({ enumerable: true, get: function () { return GetCallerIdentityResponse_1.GetCallerIdentityResponse; } }));
//# sourceMappingURL=model.js.map

/***/ })

};
